import type { Db } from "@/server/db/client";
import { inTransaction } from "@/server/db/transaction";
import { recordAudit } from "@/server/domain/audit/record-audit";
import { notFound } from "@/server/domain/errors";
import { invitationInvalid, lockInvitation } from "./rules";

/**
 * Revokes a pending invitation (expired ones too, to tidy the list); accepted or already revoked
 * ones are INVITATION_INVALID. expiresAt is pulled forward to the moment of revocation, so it
 * records when the link stopped working. Races with an accept: whichever locks the row first wins.
 */
export async function revokeInvitation(db: Db, input: { tenantId: string; actorUserId: string; id: string; now?: Date }) {
  const now = input.now ?? new Date();
  return inTransaction(db, async (tx) => {
    await lockInvitation(tx, input.id, input.tenantId);
    const current = await tx.tenantInvitation.findFirst({
      where: { id: input.id, tenantId: input.tenantId },
      select: { id: true, status: true, expiresAt: true },
    });
    if (!current) throw notFound("invitation");
    if (current.status !== "pending") {
      throw invitationInvalid(`Only pending invitations can be revoked; this one is ${current.status}`, {
        key: "invitation.notPending",
        params: { status: current.status },
      });
    }
    const revoked = await tx.tenantInvitation.update({
      where: { id: current.id, tenantId: input.tenantId },
      data: { status: "revoked", expiresAt: current.expiresAt < now ? current.expiresAt : now },
      select: { id: true, status: true, expiresAt: true },
    });
    await recordAudit(tx, {
      tenantId: input.tenantId,
      actorUserId: input.actorUserId,
      action: "invitation.revoked",
      targetType: "invitation",
      targetId: revoked.id,
    });
    return { id: revoked.id, status: "revoked" as const };
  });
}
