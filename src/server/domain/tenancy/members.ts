/**
 * Members of a workspace: list, change role, remove. Rules (besides the permission the procedure
 * declares):
 * - a role is a built-in role or an existing custom role key of this tenant (else INVALID_INPUT);
 * - only an owner grants or revokes "owner"; a workspace always keeps one owner (LAST_OWNER);
 * - nobody but an owner gives a role, or changes or removes a member, holding permissions they do not
 *   hold themselves (an admin cannot touch an owner; a custom "people manager" cannot mint admins);
 * - guests (member_type guest) may hold the built-in guest role or a custom role (cut to the guest
 *   ceiling), never owner/admin/member: to give a guest such a role, change memberType to "member"
 *   in the same call, which takes a member seat (seat limits apply, LIMIT_REACHED);
 * - removing yourself is leaving (tenants.leave), not remove.
 */
import { z } from "zod";
import type { DbTx } from "@/server/db/client";
import { transactional } from "@/server/db/transaction";
import { recordAudit } from "@/server/domain/audit/record-audit";
import { AppError, notFound } from "@/server/domain/errors";
import { assertWithinActor, roleExists, type TenantActor } from "@/server/domain/rbac/iam-roles";
import { isBuiltInRole } from "@/server/domain/rbac/permissions";
import { plainText } from "@/server/domain/validation";
import { resolvePermissions } from "@/server/domain/rbac/resolve-permissions";
import { assertSeatAvailable, lockTenantSeats } from "./seat-limits";
import { countOwners, lastOwnerError, moveSessionsOffTenant } from "./workspaces";

export const memberIdSchema = z.uuid("Not a member id");
/** A built-in role name or a custom role key; whether it exists in the tenant is checked in the domain. */
export const roleKeySchema = plainText({ min: 1, max: 64 });
export const memberTypeSchema = z.enum(["member", "guest"]);
export type MemberType = z.infer<typeof memberTypeSchema>;

export async function listMembers(db: DbTx, input: { tenantId: string }) {
  const rows = await db.tenantMember.findMany({
    where: { tenantId: input.tenantId },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      userId: true,
      role: true,
      memberType: true,
      createdAt: true,
      user: { select: { name: true, email: true } },
      teams: { orderBy: { createdAt: "asc" }, select: { team: { select: { id: true, name: true } } } },
    },
  });
  return rows.map((m) => ({
    id: m.id,
    userId: m.userId,
    name: m.user.name,
    email: m.user.email,
    role: m.role,
    memberType: m.memberType,
    teams: m.teams.map((t) => t.team),
    joinedAt: m.createdAt,
  }));
}

async function getMemberOrThrow(db: DbTx, input: { tenantId: string; memberId: string }) {
  const member = await db.tenantMember.findFirst({
    where: { id: input.memberId, tenantId: input.tenantId },
    select: { id: true, userId: true, role: true, memberType: true, tenantId: true },
  });
  if (!member) throw notFound("member");
  return member;
}

export interface ChangeMemberRoleInput {
  tenantId: string;
  actor: TenantActor;
  memberId: string;
  role: string;
  /** Optional: change guest <-> member in the same step (takes a seat of the new kind). */
  memberType?: MemberType;
}

export const changeMemberRole = transactional(async (db, input: ChangeMemberRoleInput) => {
  await lockTenantSeats(db, input.tenantId); // owner counts and seat counts stay true until commit
  const target = await getMemberOrThrow(db, input);
  const memberType = input.memberType ?? target.memberType;
  if (!(await roleExists(db, { tenantId: input.tenantId, role: input.role }))) {
    throw new AppError("INVALID_INPUT", `There is no role "${input.role}" in this workspace`, {
      key: "members.unknownRole",
      params: { role: input.role },
      field: "role",
    });
  }
  if (memberType === "guest" && isBuiltInRole(input.role) && input.role !== "guest") {
    throw new AppError(
      "INVALID_INPUT",
      `A guest can hold the guest role or a custom role, not "${input.role}": change their member type to member as well`,
      { key: "members.guestRole", field: "role" },
    );
  }
  if (input.role === target.role && memberType === target.memberType) {
    return { id: target.id, role: target.role, memberType: target.memberType };
  }
  if (target.role === "owner" && input.role !== "owner" && (await countOwners(db, input.tenantId)) <= 1) throw lastOwnerError();
  if ((input.role === "owner" || target.role === "owner") && input.actor.role !== "owner") {
    throw new AppError("FORBIDDEN", "Only an owner can grant or revoke ownership", { key: "members.ownerOnlyOwnership" });
  }
  const [current, next] = await Promise.all([
    resolvePermissions(db, target),
    resolvePermissions(db, { tenantId: input.tenantId, role: input.role, memberType }),
  ]);
  assertWithinActor(input.actor, current, "change the role of a member");
  assertWithinActor(input.actor, next, "give a role");
  if (memberType !== target.memberType) await assertSeatAvailable(db, { tenantId: input.tenantId, memberType });

  const updated = await db.tenantMember.update({
    where: { id: target.id, tenantId: input.tenantId },
    data: { role: input.role, memberType },
    select: { id: true, role: true, memberType: true },
  });
  await recordAudit(db, {
    tenantId: input.tenantId,
    actorUserId: input.actor.userId,
    action: "member.role_changed",
    targetType: "member",
    targetId: target.id,
    metadata: {
      userId: target.userId,
      from: { role: target.role, memberType: target.memberType },
      to: { role: updated.role, memberType: updated.memberType },
    },
  });
  return updated;
});

export const removeMember = transactional(async (db, input: { tenantId: string; actor: TenantActor; memberId: string }) => {
  await lockTenantSeats(db, input.tenantId);
  const target = await getMemberOrThrow(db, input);
  if (target.userId === input.actor.userId) {
    throw new AppError("INVALID_INPUT", "To remove yourself, leave the workspace instead", { key: "members.removeSelf" });
  }
  if (target.role === "owner") {
    if ((await countOwners(db, input.tenantId)) <= 1) throw lastOwnerError();
    if (input.actor.role !== "owner") throw new AppError("FORBIDDEN", "Only an owner can remove an owner", { key: "members.ownerOnlyRemoveOwner" });
  }
  assertWithinActor(input.actor, await resolvePermissions(db, target), "remove a member");

  await db.tenantMember.delete({ where: { id: target.id, tenantId: input.tenantId } });
  await moveSessionsOffTenant(db, { tenantId: input.tenantId, userId: target.userId });
  await recordAudit(db, {
    tenantId: input.tenantId,
    actorUserId: input.actor.userId,
    action: "member.removed",
    targetType: "member",
    targetId: target.id,
    metadata: { userId: target.userId, role: target.role, memberType: target.memberType },
  });
  return { id: target.id };
});
