/**
 * Workspace (tenant) lifecycle: create, rename, leave, soft delete, restore. Each function is one use
 * case, takes a transaction and an object naming the actor, and audits its change in that transaction.
 */
import type { DbTx } from "@/server/db/client";
import { transactional } from "@/server/db/transaction";
import { recordAudit } from "@/server/domain/audit/record-audit";
import { AppError, notFound } from "@/server/domain/errors";
import { createTenantWithOwner } from "./create-tenant-with-owner";
import { retentionCutoff, retentionEnd } from "./defaults";
import { lockTenantSeats } from "./seat-limits";
import { assertMultiTenantMode } from "./single-tenant";

export { deleteConfirmationSchema, workspaceNameSchema } from "./inputs";

const workspaceSelect = {
  id: true,
  name: true,
  slug: true,
  plan: true,
  billingState: true,
  trialEndsAt: true,
  graceEndsAt: true,
  createdAt: true,
} as const;

/**
 * Moves sessions whose active tenant is `tenantId` (only `userId`'s, if given) to the user's oldest
 * other live tenant, or to none. Raw SQL on purpose: it spans tenants, which the scoped client cannot.
 */
export async function moveSessionsOffTenant(db: DbTx, input: { tenantId: string; userId?: string }) {
  const userId = input.userId ?? null;
  await db.$executeRaw`
    UPDATE user_sessions AS s
    SET active_tenant_id = (
      SELECT m.tenant_id FROM tenant_members m JOIN tenants t ON t.id = m.tenant_id
      WHERE m.user_id = s.user_id AND m.tenant_id <> ${input.tenantId} AND t.deleted_at IS NULL
      ORDER BY m.created_at ASC LIMIT 1
    )
    WHERE s.active_tenant_id = ${input.tenantId} AND (${userId}::text IS NULL OR s.user_id = ${userId}::text)`;
}

export interface CreateWorkspaceInput {
  userId: string;
  /** The caller's session: the new workspace becomes its active one. */
  sessionId: string;
  name: string;
  now?: Date;
}

/** A new workspace on the default plan in trial, with the caller as owner and active in their session. */
export const createWorkspace = transactional(async (tx, input: CreateWorkspaceInput) => {
  assertMultiTenantMode("create");
  const { tenant } = await createTenantWithOwner(tx, { name: input.name, ownerUserId: input.userId, now: input.now ?? new Date() });
  await tx.session.updateMany({
    where: { id: input.sessionId, userId: input.userId },
    data: { activeOrganizationId: tenant.id },
  });
  const { id, name, slug, plan, billingState, trialEndsAt, graceEndsAt, createdAt } = tenant;
  return { id, name, slug, plan, billingState, trialEndsAt, graceEndsAt, createdAt, role: "owner" as const };
});

export const renameWorkspace = transactional(async (db, input: { tenantId: string; actorUserId: string; name: string }) => {
  const before = await db.tenant.findFirst({ where: { id: input.tenantId, deletedAt: null }, select: { name: true } });
  if (!before) throw notFound("workspace");
  const tenant = await db.tenant.update({ where: { id: input.tenantId }, data: { name: input.name }, select: workspaceSelect });
  await recordAudit(db, {
    tenantId: input.tenantId,
    actorUserId: input.actorUserId,
    action: "tenant.renamed",
    targetType: "tenant",
    targetId: input.tenantId,
    metadata: { from: before.name, to: tenant.name },
  });
  return tenant;
});

/** Count of owners, taken under the tenant row lock so two owners cannot both step down at once. */
export function countOwners(db: DbTx, tenantId: string) {
  return db.tenantMember.count({ where: { tenantId, role: "owner" } });
}

export const lastOwnerError = () =>
  new AppError("LAST_OWNER", "A workspace needs at least one owner: make another member an owner first, or delete the workspace", {
    key: "workspace.lastOwner",
  });

/**
 * The caller leaves a workspace they belong to (any role, any permissions). The last owner cannot
 * leave. Their sessions that had it active fall back to their next workspace.
 */
export const leaveWorkspace = transactional(async (db, input: { tenantId: string; userId: string }) => {
  assertMultiTenantMode("leave");
  await lockTenantSeats(db, input.tenantId);
  const membership = await db.tenantMember.findFirst({
    where: { tenantId: input.tenantId, userId: input.userId, tenant: { deletedAt: null } },
    select: { id: true, role: true, memberType: true },
  });
  if (!membership) throw notFound("workspace");
  if (membership.role === "owner" && (await countOwners(db, input.tenantId)) <= 1) throw lastOwnerError();

  await db.tenantMember.delete({ where: { id: membership.id } });
  await moveSessionsOffTenant(db, { tenantId: input.tenantId, userId: input.userId });
  await recordAudit(db, {
    tenantId: input.tenantId,
    actorUserId: input.userId,
    action: "member.left",
    targetType: "member",
    targetId: membership.id,
    metadata: { userId: input.userId, role: membership.role, memberType: membership.memberType },
  });
  return { tenantId: input.tenantId };
});

export interface DeleteWorkspaceInput {
  tenantId: string;
  actorUserId: string;
  /** The actor's role in the tenant: only owners delete, whatever a permission set says. */
  actorRole: string;
  /** The workspace name as the owner typed it. */
  confirmation: string;
  now?: Date;
}

/**
 * Soft delete: the workspace disappears for everyone (tenantProcedure only sees live tenants) and
 * sessions that had it active fall back to another workspace. Owners can restore it within
 * retention.deletedTenantRestoreDays (defaults.ts).
 */
export const deleteWorkspace = transactional(async (db, input: DeleteWorkspaceInput) => {
  assertMultiTenantMode("delete");
  if (input.actorRole !== "owner") throw new AppError("FORBIDDEN", "Only an owner can delete the workspace", { key: "workspace.ownerOnlyDelete" });
  const now = input.now ?? new Date();
  const tenant = await db.tenant.findFirst({ where: { id: input.tenantId, deletedAt: null }, select: { id: true, name: true } });
  if (!tenant) throw notFound("workspace");
  if (input.confirmation.trim() !== tenant.name) {
    throw new AppError("INVALID_INPUT", "Type the workspace name exactly as shown to confirm the deletion", {
      key: "workspace.confirmationMismatch",
      field: "confirmation",
    });
  }
  const { count } = await db.tenant.updateMany({
    where: { id: tenant.id, deletedAt: null },
    data: { deletedAt: now, deletedById: input.actorUserId },
  });
  if (count === 0) throw notFound("workspace");
  await moveSessionsOffTenant(db, { tenantId: tenant.id });
  const restorableUntil = retentionEnd("deletedTenantRestoreDays", now);
  await recordAudit(db, {
    tenantId: tenant.id,
    actorUserId: input.actorUserId,
    action: "tenant.deleted",
    targetType: "tenant",
    targetId: tenant.id,
    metadata: { name: tenant.name, restorableUntil: restorableUntil.toISOString() },
  });
  return { id: tenant.id, deletedAt: now, restorableUntil };
});

/** Soft-deleted tenants this user owns that are still inside the restore window. */
function restorableWhere(userId: string, now: Date) {
  return {
    deletedAt: { not: null, gt: retentionCutoff("deletedTenantRestoreDays", now) },
    members: { some: { userId, role: "owner" } },
  };
}

/** For the UI: the caller's own soft-deleted workspaces that can still be restored. */
export async function listDeletedWorkspaces(db: DbTx, input: { userId: string; now?: Date }) {
  const rows = await db.tenant.findMany({
    where: restorableWhere(input.userId, input.now ?? new Date()),
    orderBy: { deletedAt: "desc" },
    select: { id: true, name: true, slug: true, deletedAt: true },
  });
  return rows.map((t) => ({ ...t, deletedAt: t.deletedAt!, restorableUntil: retentionEnd("deletedTenantRestoreDays", t.deletedAt!) }));
}

/**
 * An owner of a soft-deleted workspace brings it back within the restore window. Anything else
 * (live, someone else's, not an owner, window passed) is NOT_FOUND.
 */
export const restoreWorkspace = transactional(async (db, input: { tenantId: string; actorUserId: string; now?: Date }) => {
  assertMultiTenantMode("restore");
  const now = input.now ?? new Date();
  const { count } = await db.tenant.updateMany({
    where: { id: input.tenantId, ...restorableWhere(input.actorUserId, now) },
    data: { deletedAt: null, deletedById: null },
  });
  if (count === 0) throw notFound("deletedWorkspace");
  await recordAudit(db, {
    tenantId: input.tenantId,
    actorUserId: input.actorUserId,
    action: "tenant.restored",
    targetType: "tenant",
    targetId: input.tenantId,
  });
  return db.tenant.findUniqueOrThrow({ where: { id: input.tenantId }, select: workspaceSelect });
});
