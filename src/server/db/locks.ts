import type { Tx } from "./transaction";

// Every transaction-scoped advisory lock the app takes, in one place. A lock is two keys,
// pg_advisory_xact_lock(hashtext(namespace), hashtext(key)): the namespace names what is locked, the key
// which one. Namespaces are listed here and nowhere else, so two areas never wait on each other by
// sharing one; a new lock gets a new namespace and a helper named for what it locks. Each helper takes
// a Tx (only inTransaction hands one out): outside a transaction the lock would end with its statement.
// (src/server/db/migrate.ts takes Prisma's own session lock, a one-key lock in a separate key space.)
// Row locks (SELECT ... FOR UPDATE) live with their table's area and take a Tx as well; the tenant row's,
// which two areas take, is here.

const NAMESPACES = {
  /** One tenant's spending of credits (src/server/domain/credits/). Taken after any usage lock. */
  tenantCredits: "tenant-credits",
  /** Giving one user their first workspace: sign-up, its retries, the first sign-in. */
  userProvisioning: "provision-tenant",
  /** The install's one workspace in single-tenant mode. */
  singleTenantInstall: "single-tenant",
  /** Invitation changes for one address in one tenant. */
  invitationAddress: "tenant-invitation",
  /** Creating a platform admin for one email address. */
  platformAdminEmail: "platform-admin-create",
  /** A waiting webhook event's check against the processing of the event it waits for. */
  billingDependency: "billing-dependency",
  /** The short transactions that reserve and record one tenant's payment provider calls. */
  tenantBilling: "tenant-billing",
} as const;

/** usage:<metric>: one tenant's usage of one metric a limit can refuse (src/server/domain/usage/usage-locks.ts). */
const USAGE_PREFIX = "usage:";

async function advisoryLock(tx: Tx, namespace: (typeof NAMESPACES)[keyof typeof NAMESPACES] | TenantLockName, key: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${namespace}), hashtext(${key}))`;
}

/**
 * The per-tenant locks that the in-process turn queue (tenant-locks.ts) also orders, by name: usage of one
 * metric, or credits. Take several in one fixed order: usage locks by metric name, then credits.
 */
export type TenantLockName = `${typeof USAGE_PREFIX}${string}` | (typeof NAMESPACES)["tenantCredits"];
export const tenantUsageLockName = (metric: string): TenantLockName => `${USAGE_PREFIX}${metric}`;
export const TENANT_CREDITS_LOCK: TenantLockName = NAMESPACES.tenantCredits;

/** Serializes usage of `metric` in the tenant that a limit can refuse. Take before lockTenantCredits. */
export async function lockTenantUsage(tx: Tx, tenantId: string, metric: string): Promise<void> {
  await advisoryLock(tx, tenantUsageLockName(metric), tenantId);
}

/** Serializes credit spending of one tenant. Take it after any usage lock, never before. */
export async function lockTenantCredits(tx: Tx, tenantId: string): Promise<void> {
  await advisoryLock(tx, TENANT_CREDITS_LOCK, tenantId);
}

/** Serialises everything that gives a user their first tenant. Taking it again in the same transaction is free. */
export async function lockUserProvisioning(tx: Tx, userId: string): Promise<void> {
  await advisoryLock(tx, NAMESPACES.userProvisioning, userId);
}

/** One install-wide lock: two first sign-ups racing in single-tenant mode still create one tenant. */
export async function lockSingleTenantInstall(tx: Tx): Promise<void> {
  await advisoryLock(tx, NAMESPACES.singleTenantInstall, "install");
}

/** Serialises every invitation change for one address in one tenant (create/refresh races). */
export async function lockInvitationAddress(tx: Tx, tenantId: string, email: string): Promise<void> {
  await advisoryLock(tx, NAMESPACES.invitationAddress, `${tenantId}:${email}`);
}

/** Two calls creating a platform admin for the same address (a retried request, the CLI and the API) take turns. */
export async function lockPlatformAdminEmail(tx: Tx, email: string): Promise<void> {
  await advisoryLock(tx, NAMESPACES.platformAdminEmail, email);
}

/** Orders a waiting billing event's check against the processing of the event it waits for (key "payment:<id>", ...). */
export async function lockBillingDependency(tx: Tx, key: string): Promise<void> {
  await advisoryLock(tx, NAMESPACES.billingDependency, key);
}

/**
 * Serializes the short transactions that reserve and record a tenant's provider calls
 * (domain/billing/reserved-provider-call.ts); never held across a provider call.
 */
export async function lockTenantBilling(tx: Tx, tenantId: string): Promise<void> {
  await advisoryLock(tx, NAMESPACES.tenantBilling, tenantId);
}

/** The tenant's row, until the transaction ends: seat changes, and the trial's end against a new subscription. */
export async function lockTenantRow(tx: Tx, tenantId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM tenants WHERE id = ${tenantId} FOR UPDATE`;
}
