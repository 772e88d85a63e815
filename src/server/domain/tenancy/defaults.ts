/**
 * The template's tenancy defaults in one place. Change a default here, not where it is used, and keep
 * the README's "Defaults worth knowing" section in step (it describes the same values for readers).
 */
import { DEFAULT_PLAN, plans } from "@/server/domain/plans/plans";
import { DAY_MS } from "@/lib/time";

/**
 * Isolation strategy: ONE database and ONE schema shared by every tenant. Every tenant-owned row
 * carries `tenant_id`, and tenant procedures only get a Prisma client scoped to the active tenant
 * (src/server/db/tenant-scope.ts), which adds `tenant_id` (and `deleted_at IS NULL`) to every query
 * of a tenant-owned model, so a forgotten `where` finds nothing instead of another tenant's rows.
 * Domain functions still name the tenant in their own `where` as well: the two guard each other.
 * tests/integration/isolation.test.ts calls every tenant procedure with another tenant's ids.
 * Schema- or database-per-tenant would need a different client factory; nothing else assumes this value.
 */
export const ISOLATION_STRATEGY = "shared-schema" as const;
export type IsolationStrategy = typeof ISOLATION_STRATEGY;

/** Default RBAC roles and their permissions: the matrix itself lives in rbac/permissions.ts. */
export { builtInRoles, guestCeiling, rolePermissions, type BuiltInRole } from "@/server/domain/rbac/permissions";

/** Default plan (new workspaces start on it, in trial) and its limits: seats, guests, projects. */
export { DEFAULT_PLAN, plans } from "@/server/domain/plans/plans";
export const DEFAULT_PLAN_LIMITS = plans[DEFAULT_PLAN].limits;

/**
 * Default data retention periods, in days. What happens when a period ends:
 * - deletedTenantRestoreDays: an owner can restore a soft-deleted workspace until then; afterwards it
 *   is NOT_FOUND to everyone and may be purged.
 * - deletedProjectDays: soft-deleted projects are kept (restorable, auditable) this long, then may be purged.
 * - auditLogDays: audit log rows older than this may be purged.
 * - invitationExpiryDays: a pending invitation stops being acceptable this long after it was (re)sent.
 */
export const retention = {
  deletedTenantRestoreDays: 30,
  deletedProjectDays: 30,
  auditLogDays: 365,
  invitationExpiryDays: 7,
} as const satisfies Record<string, number>;
export type RetentionPeriod = keyof typeof retention;

/** The same periods by name, for code that needs one value. */
export const TENANT_RESTORE_WINDOW_DAYS = retention.deletedTenantRestoreDays;
export const DELETED_PROJECT_RETENTION_DAYS = retention.deletedProjectDays;
export const AUDIT_LOG_RETENTION_DAYS = retention.auditLogDays;
export const INVITATION_EXPIRY_DAYS = retention.invitationExpiryDays;

/** The moment before which something kept for `period` has run out, seen from `now`. */
export function retentionCutoff(period: RetentionPeriod, now: Date = new Date()): Date {
  return new Date(now.getTime() - retention[period] * DAY_MS);
}

/** When something that starts (or was deleted) at `from` runs out under `period`. */
export function retentionEnd(period: RetentionPeriod, from: Date): Date {
  return new Date(from.getTime() + retention[period] * DAY_MS);
}
