import type { Db, DbTx } from "@/server/db/client";
import { inTransaction, type Tx } from "@/server/db/transaction";
import { recordAudit } from "@/server/domain/audit/record-audit";
import { AppError, notFound } from "@/server/domain/errors";
import { assertSeatAvailable, lockTenantSeats } from "../seat-limits";
import { invitationInvalid, invitationStatus, invitedPermissions, lockInvitation, maskEmail } from "./rules";

interface LockedInvitation {
  id: string;
  tenantId: string;
  email: string;
  role: string | null;
  memberType: "member" | "guest";
  status: string;
  expiresAt: Date;
  acceptedById: string | null;
}

const lockedInvitationSelect = {
  id: true,
  tenantId: true,
  email: true,
  role: true,
  memberType: true,
  status: true,
  expiresAt: true,
  acceptedById: true,
  tenant: { select: { deletedAt: true } },
} as const;

/** Locks the invitation row and reads it; a missing one or one of a deleted tenant is not found. */
async function lockAndLoad(tx: Tx, id: string) {
  await lockInvitation(tx, id);
  const invitation = await tx.tenantInvitation.findUnique({ where: { id }, select: lockedInvitationSelect });
  if (!invitation || invitation.tenant.deletedAt) return null;
  return invitation;
}

/**
 * The membership a pending invitation grants, made idempotently: a user who already belongs to the
 * tenant keeps their membership as it is (no duplicate, no silent role change) and the invitation is
 * still marked accepted. Seats are checked at this moment, under the tenant's seat lock.
 * Runs inside the caller's transaction, with the invitation row locked.
 */
async function joinFromInvitation(tx: Tx, invitation: LockedInvitation, userId: string, now: Date) {
  await lockTenantSeats(tx, invitation.tenantId);
  const existing = await tx.tenantMember.findUnique({
    where: { tenantId_userId: { tenantId: invitation.tenantId, userId } },
    select: { id: true, role: true, memberType: true },
  });
  let member = existing;
  if (!member) {
    const role = invitation.role ?? (invitation.memberType === "guest" ? "guest" : "member");
    if (!(await invitedPermissions(tx, { tenantId: invitation.tenantId, role, memberType: invitation.memberType }))) {
      throw invitationInvalid("The role of this invitation no longer exists; ask for a new invitation", { key: "invitation.roleGone" });
    }
    await assertSeatAvailable(tx, { tenantId: invitation.tenantId, memberType: invitation.memberType });
    member = await tx.tenantMember.create({
      data: { tenantId: invitation.tenantId, userId, role, memberType: invitation.memberType },
      select: { id: true, role: true, memberType: true },
    });
    await recordAudit(tx, {
      tenantId: invitation.tenantId,
      actorUserId: userId,
      action: "member.joined",
      targetType: "member",
      targetId: member.id,
      metadata: { role, memberType: invitation.memberType, via: "invitation", invitationId: invitation.id },
    });
  }
  await tx.tenantInvitation.update({
    where: { id: invitation.id },
    data: { status: "accepted", acceptedAt: now, acceptedById: userId },
  });
  await recordAudit(tx, {
    tenantId: invitation.tenantId,
    actorUserId: userId,
    action: "invitation.accepted",
    targetType: "invitation",
    targetId: invitation.id,
    metadata: { memberId: member.id, role: member.role, memberType: member.memberType, alreadyMember: existing !== null },
  });
  return { tenantId: invitation.tenantId, memberId: member.id, role: member.role, memberType: member.memberType, alreadyMember: existing !== null };
}

/**
 * Journey 2/3 on the accept page: the signed-in user accepts one invitation. Their address must be
 * verified and equal the invited one (an invitation is never claimable by someone who merely typed
 * the address); it must be pending and unexpired. Accepting again (or two racing accepts) by the
 * same user succeeds once and then answers with the same membership. The session's active tenant
 * becomes the invited one.
 */
export async function acceptInvitation(db: Db, input: { id: string; userId: string; sessionId: string; now?: Date }) {
  const now = input.now ?? new Date();
  return inTransaction(db, async (tx) => {
    const invitation = await lockAndLoad(tx, input.id);
    if (!invitation) throw notFound("invitation");
    const user = await tx.user.findUniqueOrThrow({ where: { id: input.userId }, select: { email: true, emailVerified: true } });

    let result: Awaited<ReturnType<typeof joinFromInvitation>>;
    const status = invitationStatus(invitation, now);
    if (status === "accepted" && invitation.acceptedById === input.userId) {
      const member = await tx.tenantMember.findUnique({
        where: { tenantId_userId: { tenantId: invitation.tenantId, userId: input.userId } },
        select: { id: true, role: true, memberType: true },
      });
      // Accepted earlier and since removed from the tenant: the invitation is spent.
      if (!member) throw invitationInvalid("This invitation has already been used", { key: "invitation.used" });
      result = { tenantId: invitation.tenantId, memberId: member.id, role: member.role, memberType: member.memberType, alreadyMember: true };
    } else {
      if (status === "accepted") throw invitationInvalid("This invitation has already been accepted", { key: "invitation.alreadyAccepted" });
      if (status === "revoked") throw invitationInvalid("This invitation has been revoked; ask for a new one", { key: "invitation.revoked" });
      if (status === "expired") throw invitationInvalid("This invitation has expired; ask for a new one", { key: "invitation.expired" });
      if (user.email.toLowerCase() !== invitation.email) {
        const masked = maskEmail(invitation.email);
        throw invitationInvalid(`This invitation was sent to ${masked}; sign in with that address to accept it`, {
          key: "invitation.otherAddress",
          params: { email: masked },
        });
      }
      if (!user.emailVerified) {
        throw new AppError("EMAIL_NOT_VERIFIED", "Verify your email address before accepting the invitation", { key: "invitation.verifyEmailFirst" });
      }
      result = await joinFromInvitation(tx, invitation, input.userId, now);
    }
    await tx.session.updateMany({ where: { id: input.sessionId, userId: input.userId }, data: { activeOrganizationId: result.tenantId } });
    return result;
  });
}

/** Whether an address has an invitation that signing up with it would accept (pending, unexpired, live tenant). */
export async function hasPendingInvitation(db: DbTx, input: { email: string; now?: Date }): Promise<boolean> {
  const count = await db.tenantInvitation.count({
    where: {
      email: input.email.toLowerCase(),
      status: "pending",
      expiresAt: { gt: input.now ?? new Date() },
      tenant: { deletedAt: null },
    },
  });
  return count > 0;
}

/**
 * Journeys 2 and 3 at sign-in: every pending, unexpired invitation for the user's VERIFIED address
 * becomes a membership, oldest first, each in its own transaction. One that cannot be accepted now
 * (the plan is full, its role was deleted, revoked meanwhile) is skipped and stays as it is; the
 * user can still accept it later from the link. Returns the accepted ones, oldest first.
 */
export async function acceptPendingInvitationsForUser(db: Db, input: { userId: string; now?: Date }) {
  const now = input.now ?? new Date();
  const user = await db.user.findUnique({ where: { id: input.userId }, select: { email: true, emailVerified: true } });
  if (!user?.emailVerified) return [];
  const candidates = await db.tenantInvitation.findMany({
    where: { email: user.email.toLowerCase(), status: "pending", expiresAt: { gt: now }, tenant: { deletedAt: null } },
    orderBy: { createdAt: "asc" },
    select: { id: true },
  });
  const accepted: Array<Awaited<ReturnType<typeof joinFromInvitation>> & { invitationId: string }> = [];
  for (const { id } of candidates) {
    try {
      const joined = await inTransaction(db, async (tx) => {
        const invitation = await lockAndLoad(tx, id);
        // Re-checked under the lock: a racing sign-in or accept may have taken it meanwhile.
        if (!invitation || invitationStatus(invitation, now) !== "pending") return null;
        return joinFromInvitation(tx, invitation, input.userId, now);
      });
      if (joined) accepted.push({ ...joined, invitationId: id });
    } catch (error) {
      if (error instanceof AppError) continue; // LIMIT_REACHED, INVITATION_INVALID: leave it pending
      throw error;
    }
  }
  return accepted;
}
