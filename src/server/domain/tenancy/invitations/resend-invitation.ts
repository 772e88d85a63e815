import type { Locale } from "@/i18n/routing";
import type { Db } from "@/server/db/client";
import { inTransaction } from "@/server/db/transaction";
import { recordAudit } from "@/server/domain/audit/record-audit";
import { AppError, notFound } from "@/server/domain/errors";
import { assertNotAMember, invitationSummarySelect } from "./create-invitation";
import { INVITATION_RESEND_COOLDOWN_MS, invitationExpiry, invitationInvalid, invitationStatus, lockInvitation } from "./rules";
import { sendInvitationEmail } from "./send-invitation-email";

/**
 * Sends a pending, unexpired invitation again and restarts its expiry (the new link is valid for the
 * full period, like the first one). Expired or revoked invitations are INVITATION_INVALID: invite
 * the address again instead. At most one email per address per cooldown (RATE_LIMITED).
 */
export async function resendInvitation(
  db: Db,
  input: { tenantId: string; actorUserId: string; id: string; locale: Locale; now?: Date },
) {
  const now = input.now ?? new Date();
  const invitation = await inTransaction(db, async (tx) => {
    await lockInvitation(tx, input.id, input.tenantId);
    const current = await tx.tenantInvitation.findFirst({
      where: { id: input.id, tenantId: input.tenantId },
      select: { id: true, email: true, status: true, expiresAt: true, lastSentAt: true },
    });
    if (!current) throw notFound("invitation");
    const status = invitationStatus(current, now);
    if (status !== "pending") {
      throw invitationInvalid(`This invitation is ${status}; invite the person again instead`, { key: "invitation.resendNotPending", params: { status } });
    }
    if (current.lastSentAt && now.getTime() - current.lastSentAt.getTime() < INVITATION_RESEND_COOLDOWN_MS) {
      throw new AppError("RATE_LIMITED", "The invitation was just sent; wait a minute before sending it again", { key: "invitation.resendCooldown" });
    }
    await assertNotAMember(tx, { tenantId: input.tenantId, email: current.email });
    const updated = await tx.tenantInvitation.update({
      where: { id: current.id, tenantId: input.tenantId },
      data: { lastSentAt: now, sendCount: { increment: 1 }, expiresAt: invitationExpiry(now) },
      select: invitationSummarySelect,
    });
    await recordAudit(tx, {
      tenantId: input.tenantId,
      actorUserId: input.actorUserId,
      action: "invitation.resent",
      targetType: "invitation",
      targetId: updated.id,
      metadata: { sendCount: updated.sendCount },
    });
    return updated;
  });
  await sendInvitationEmail(db, { invitationId: invitation.id, locale: input.locale, now });
  return { ...invitation, status: "pending" as const };
}
