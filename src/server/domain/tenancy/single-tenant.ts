/**
 * Single-tenant mode (SINGLE_TENANT_MODE=1): one workspace for the whole install, e.g. a company
 * running the template for itself. Sign-ups join that workspace instead of getting their own, the
 * workspace lifecycle (create, leave, delete, restore) is refused, and tenants.current tells the UI
 * to hide tenant switching. Everything else (roles, members, teams, invitations, isolation) is unchanged.
 */
import { env } from "@/env";
import type { Db, DbTx } from "@/server/db/client";
import { lockSingleTenantInstall, lockUserProvisioning } from "@/server/db/locks";
import { inTransaction, type Tx } from "@/server/db/transaction";
import { recordAudit } from "@/server/domain/audit/record-audit";
import { AppError } from "@/server/domain/errors";
import { createTenantWithOwner } from "./create-tenant-with-owner";
import { hasPendingInvitation } from "./invitations/accept-invitation";
import { provisionPersonalTenant, type ProvisionTenantInput } from "./provision-tenant";
import { assertSeatAvailable, lockTenantSeats } from "./seat-limits";

export const DEFAULT_SINGLE_TENANT_NAME = "Workspace";

export function isSingleTenantMode(): boolean {
  return env.SINGLE_TENANT_MODE === "1";
}

/** Refuses a workspace lifecycle change (create, leave, delete, restore) in single-tenant mode. */
export function assertMultiTenantMode(action: "create" | "leave" | "delete" | "restore"): void {
  if (isSingleTenantMode()) {
    throw new AppError("FORBIDDEN", `This installation has a single workspace, so you cannot ${action} workspaces`, {
      key: "workspace.singleTenant",
      params: { action },
    });
  }
}

/** ensureSingleTenant inside a transaction the caller already holds. */
async function ensureSingleTenantTx(tx: Tx, now: Date) {
  await lockSingleTenantInstall(tx);
  // The oldest live tenant is the install's one (an install switched to the mode keeps its first workspace).
  const existing = await tx.tenant.findFirst({ where: { deletedAt: null }, orderBy: { createdAt: "asc" } });
  if (existing) return { tenant: existing, created: false as const };
  const { tenant } = await createTenantWithOwner(tx, {
    name: env.SINGLE_TENANT_NAME ?? DEFAULT_SINGLE_TENANT_NAME,
    ownerUserId: null,
    now,
    auditMetadata: { singleTenantMode: true },
  });
  return { tenant, created: true as const };
}

/** The install's one tenant, created on first call. Idempotent and safe to race (advisory lock). */
export function ensureSingleTenant(db: Db, opts: { now?: Date } = {}) {
  return inTransaction(db, (tx) => ensureSingleTenantTx(tx, opts.now ?? new Date()));
}

/**
 * Where a user who signed up without an invitation belongs. In single-tenant mode: the install's
 * tenant (the first user becomes its owner, later ones members; seat limits apply). Otherwise a
 * new personal tenant (provisionPersonalTenant). Idempotent per user, like provisionPersonalTenant.
 * `created` says whether a membership was made by this call; `tenantName` is unused in single-tenant mode.
 * Runs in the caller's transaction when given one.
 */
export async function provisionTenantForNewUser(db: Db | DbTx, input: ProvisionTenantInput) {
  if (!isSingleTenantMode()) return provisionPersonalTenant(db, input);
  const now = input.now ?? new Date();
  return inTransaction(db, async (tx) => {
    // The same per-user lock provisionPersonalTenant takes: the sign-up and first sign-in hooks may race.
    await lockUserProvisioning(tx, input.userId);
    const { tenant } = await ensureSingleTenantTx(tx, now);
    const existing = await tx.tenantMember.findFirst({ where: { tenantId: tenant.id, userId: input.userId }, select: { id: true } });
    if (existing) return { tenant, created: false as const };

    await lockTenantSeats(tx, tenant.id);
    const owners = await tx.tenantMember.count({ where: { tenantId: tenant.id, role: "owner" } });
    const role = owners === 0 ? "owner" : "member";
    await assertSeatAvailable(tx, { tenantId: tenant.id, memberType: "member" });
    const membership = await tx.tenantMember.create({ data: { tenantId: tenant.id, userId: input.userId, role } });
    await recordAudit(tx, {
      tenantId: tenant.id,
      actorUserId: input.userId,
      action: "member.joined",
      targetType: "member",
      targetId: membership.id,
      metadata: { role, via: "single-tenant sign-up" },
    });
    return { tenant, created: true as const };
  });
}

/**
 * For the sign-up form, BEFORE the user is created: in single-tenant mode a sign-up without a pending
 * invitation joins the install's workspace, so a full workspace refuses it here (LIMIT_REACHED) instead
 * of leaving a user without a workspace behind. A best-effort early check: provisionTenantForNewUser
 * still checks under the lock. No-op when the mode is off or the workspace does not exist yet.
 */
export async function assertSignUpSeatAvailable(db: DbTx, input: { email: string }) {
  if (!isSingleTenantMode()) return;
  if (await hasPendingInvitation(db, { email: input.email })) return;
  const tenant = await db.tenant.findFirst({ where: { deletedAt: null }, orderBy: { createdAt: "asc" }, select: { id: true } });
  if (tenant) await assertSeatAvailable(db, { tenantId: tenant.id, memberType: "member" });
}
