import type { Tx } from "@/server/db/transaction";
import type { BillingTenantSubscription } from "@/generated/prisma/client";
import { BILLING_STATES, type BillingMachineState, type BillingRecord } from "./state-machine";

// Reading a tenant's billing_tenant_subscriptions row as the state machine's record, under a row lock:
// every writer (webhooks, timers, the trial sweep) serializes on it per tenant.

function isMachineState(value: string): value is BillingMachineState {
  return (BILLING_STATES as readonly string[]).includes(value);
}

export function recordOf(row: BillingTenantSubscription): BillingRecord {
  return {
    state: isMachineState(row.state) ? row.state : "trial",
    graceEndsAt: row.graceEndsAt,
    periodEnd: row.periodEnd,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    lastEventAt: row.lastEventAt,
  };
}

/**
 * The tenant's subscription row, locked until the transaction ends (null: the tenant never subscribed).
 * "update" for writers; "share" for readers that must not act on a state a writer is changing.
 */
export async function lockSubscriptionRow(tx: Tx, tenantId: string, mode: "update" | "share"): Promise<BillingTenantSubscription | null> {
  const [locked] =
    mode === "update"
      ? await tx.$queryRaw<{ id: string }[]>`SELECT id FROM billing_tenant_subscriptions WHERE tenant_id = ${tenantId} FOR UPDATE`
      : await tx.$queryRaw<{ id: string }[]>`SELECT id FROM billing_tenant_subscriptions WHERE tenant_id = ${tenantId} FOR SHARE`;
  return locked ? tx.billingTenantSubscription.findUnique({ where: { id: locked.id } }) : null;
}
