import type { Locale } from "@/i18n/routing";
import type { Db, DbTx } from "@/server/db/client";
import { lockInvitationAddress } from "@/server/db/locks";
import { inTransaction } from "@/server/db/transaction";
import { recordAudit } from "@/server/domain/audit/record-audit";
import { AppError } from "@/server/domain/errors";
import { assertEmailDomainAllowed } from "@/server/domain/identity/email-policy";
import type { Permission } from "@/server/domain/rbac/permissions";
import { lockTenantSeats } from "../seat-limits";
import {
  assertInvitationSeatAvailable,
  assertRoleInvitable,
  INVITATION_RESEND_COOLDOWN_MS,
  invitationExpiry,
  lockInvitation,
  type CreateInvitationFields,
} from "./rules";
import { sendInvitationEmail } from "./send-invitation-email";

export interface CreateInvitationInput extends Omit<CreateInvitationFields, "locale"> {
  tenantId: string;
  inviter: { userId: string; role: string; permissions: readonly Permission[] };
  locale: Locale;
  now?: Date;
}

export const invitationSummarySelect = {
  id: true,
  email: true,
  role: true,
  memberType: true,
  status: true,
  expiresAt: true,
  createdAt: true,
  lastSentAt: true,
  sendCount: true,
} as const;

/** Someone in this tenant already uses the address (any letter case). */
export async function assertNotAMember(tx: DbTx, input: { tenantId: string; email: string }) {
  const member = await tx.tenantMember.findFirst({
    where: { tenantId: input.tenantId, user: { email: { equals: input.email, mode: "insensitive" } } },
    select: { id: true },
  });
  if (member) throw new AppError("ALREADY_MEMBER", "This person is already a member of the workspace", { key: "invitation.alreadyMember", field: "email" });
}

/**
 * Invites an address into the tenant with a role and member type, and emails the accept link.
 * One live invitation per address and tenant: inviting again while one is pending and unexpired
 * refreshes it (new role, member type and inviter, full expiry again) and re-sends the email unless
 * the last one went out within the resend cooldown. Returns the invitation and whether mail was sent.
 * An address the email policy refuses (a disposable provider) is refused, as at sign-up.
 */
export async function createInvitation(db: Db, input: CreateInvitationInput) {
  assertEmailDomainAllowed(input.email);
  const now = input.now ?? new Date();
  const { invitation, sent, refreshed } = await inTransaction(db, async (tx) => {
    await lockInvitationAddress(tx, input.tenantId, input.email);
    await assertRoleInvitable(tx, {
      tenantId: input.tenantId,
      role: input.role,
      memberType: input.memberType,
      inviter: input.inviter,
    });
    // Lock order everywhere: invitation row, then the tenant's seat lock (as acceptance does).
    const candidate = await tx.tenantInvitation.findFirst({
      where: { tenantId: input.tenantId, email: input.email, status: "pending", expiresAt: { gt: now } },
      orderBy: { createdAt: "desc" },
      select: { id: true },
    });
    if (candidate) await lockInvitation(tx, candidate.id, input.tenantId);
    const existing = candidate
      ? await tx.tenantInvitation.findFirst({
          where: { id: candidate.id, tenantId: input.tenantId, status: "pending", expiresAt: { gt: now } },
          select: { id: true, lastSentAt: true },
        })
      : null;
    await lockTenantSeats(tx, input.tenantId);
    // After the seat lock, which acceptances hold while they add members: no join slips past this.
    await assertNotAMember(tx, input);
    await assertInvitationSeatAvailable(tx, {
      tenantId: input.tenantId,
      memberType: input.memberType,
      now,
      excludeInvitationId: existing?.id,
    });

    const fields = { role: input.role, memberType: input.memberType, inviterId: input.inviter.userId, expiresAt: invitationExpiry(now) };
    if (existing) {
      const send = !existing.lastSentAt || now.getTime() - existing.lastSentAt.getTime() >= INVITATION_RESEND_COOLDOWN_MS;
      const updated = await tx.tenantInvitation.update({
        where: { id: existing.id, tenantId: input.tenantId },
        data: { ...fields, ...(send ? { lastSentAt: now, sendCount: { increment: 1 } } : {}) },
        select: invitationSummarySelect,
      });
      await recordAudit(tx, {
        tenantId: input.tenantId,
        actorUserId: input.inviter.userId,
        action: "invitation.refreshed",
        targetType: "invitation",
        targetId: updated.id,
        metadata: { role: updated.role, memberType: updated.memberType, sendCount: updated.sendCount, emailSent: send },
      });
      return { invitation: updated, sent: send, refreshed: true };
    }

    const created = await tx.tenantInvitation.create({
      data: { tenantId: input.tenantId, email: input.email, status: "pending", lastSentAt: now, sendCount: 1, ...fields },
      select: invitationSummarySelect,
    });
    await recordAudit(tx, {
      tenantId: input.tenantId,
      actorUserId: input.inviter.userId,
      action: "invitation.created",
      targetType: "invitation",
      targetId: created.id,
      metadata: { role: created.role, memberType: created.memberType },
    });
    return { invitation: created, sent: true, refreshed: false };
  });

  // After the commit, so no lock is held while the mail goes out. If sending fails the invitation
  // stays pending and `resend` (a new sendCount, so a new idempotency key) delivers it.
  if (sent) await sendInvitationEmail(db, { invitationId: invitation.id, locale: input.locale, now });
  return { ...invitation, status: "pending" as const, emailSent: sent, refreshed };
}
