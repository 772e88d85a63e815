import { setTimeout as sleep } from "node:timers/promises";
import type { Prisma } from "@/generated/prisma/client";
import type { Db, DbTx } from "@/server/db/client";
import { lockTenantBilling } from "@/server/db/locks";
import { inTransaction } from "@/server/db/transaction";
import { AppError } from "@/server/domain/errors";
import type { PaymentProvider } from "@/server/providers/payments/types";
import { callPaymentProvider } from "./provider-calls";

// A billing action that calls the payment provider never keeps a transaction (or its locks, or a pooled
// connection) open across the call: a provider that answers slowly would hold them for up to the
// call's timeout and drain the pool for every tenant. Instead, three steps:
//   1. reserve: a short transaction under the tenant's billing lock decides whether there is anything
//      to call, and claims the call in billing_provider_calls (an idempotency key and a lease);
//   2. call the provider with no transaction open, sending the key;
//   3. record: a second short transaction under the same lock writes the result keyed on that key and
//      deletes the reservation.
// A concurrent request for the same action finds the claim and waits for it in memory, polling briefly
// (no connection held), then sees the recorded result. A request that died between steps 1 and 3 (a
// crash, a deploy, the database gone while recording) leaves the reservation behind; the next request
// for the same action resumes it with the same key and request once its lease has run out, and the
// provider (or its adapter) answers a repeated key with what the first call created. See
// CreateCustomerInput / CreateCheckoutInput for how far each provider honours the key.

/**
 * How long a claimed call belongs to the request that claimed it: longer than the Dodo adapter's worst
 * case (3 attempts of 20 s plus backoff), so a call still waiting for the provider is never sent a second
 * time by another request. Past it the claimant is presumed dead and the call may be resumed.
 */
export const PROVIDER_CALL_LEASE_MS = 90_000;
/** How long a request waits for the same action's call in flight before it answers "try again". */
export const PROVIDER_CALL_WAIT_MS = 20_000;
/** Pauses between looks at a call in flight: quick for a double-click, then every quarter second. */
const POLL_DELAYS_MS = [25, 50, 100, 200, 250] as const;

export const PROVIDER_BUSY_MESSAGE = "The payment provider is still working on an earlier request of this workspace, try again in a minute";

/** What step 1 found: the result (nothing to call), or the call to reserve. */
export type ProviderCallPlan<Request, Result> = { done: Result } | { action: string; request: Request };

export interface ReservedProviderCall<Request extends object, Response, Result> {
  tenantId: string;
  provider: PaymentProvider["name"];
  /**
   * Runs under the tenant's billing lock in step 1 (and again after waiting for a call in flight): the
   * recorded result if there is one, or the action (one call in flight per tenant, provider and action)
   * and what to send. Throws to refuse.
   */
  plan(tx: DbTx): Promise<ProviderCallPlan<Request, Result>>;
  /**
   * What happens to an unfinished call of the same action (a failure the provider may have acted on, a
   * crash): "resume" sends its stored request again under its key, for calls that create something the
   * key must find again (a customer, a checkout session); "replace" sends the new request under a new
   * key, for calls that set a state (a plan, cancel at period end), where a repeat does no harm.
   */
  unfinished: "resume" | "replace";
  /** An unfinished call older than this is not resumed but replaced (e.g. a checkout session that has expired by now). */
  resumeWithinMs?: number;
  call(key: string, request: Request): Promise<Response>;
  /**
   * Step 3, in the transaction that deletes the reservation: writes the result under `key`, so recording
   * the same call twice (a resumed call whose first answer was recorded after all) writes it once.
   */
  record(tx: DbTx, call: { key: string; request: Request; response: Response }): Promise<Result>;
}

type Reserved<Request, Result> = { done: Result } | { busy: true } | { key: string; request: Request; leaseUntil: Date };

/** Runs `spec` as described at the top of this file; provider failures come out as AppErrors (callPaymentProvider). */
export async function runReservedProviderCall<Request extends object, Response, Result>(
  db: Db,
  spec: ReservedProviderCall<Request, Response, Result>,
): Promise<Result> {
  const giveUpAt = Date.now() + PROVIDER_CALL_WAIT_MS;
  for (let poll = 0; ; poll++) {
    const step = await reserve(db, spec);
    if ("done" in step) return step.done;
    if ("key" in step) return callAndRecord(db, spec, step);
    if (Date.now() >= giveUpAt) throw new AppError("PAYMENT_PROVIDER_UNAVAILABLE", PROVIDER_BUSY_MESSAGE, { key: "billing.providerBusy" });
    await sleep(POLL_DELAYS_MS[Math.min(poll, POLL_DELAYS_MS.length - 1)]);
  }
}

function reserve<Request extends object, Response, Result>(
  db: Db,
  spec: ReservedProviderCall<Request, Response, Result>,
): Promise<Reserved<Request, Result>> {
  return inTransaction(db, async (tx): Promise<Reserved<Request, Result>> => {
    await lockTenantBilling(tx, spec.tenantId);
    const plan = await spec.plan(tx);
    if ("done" in plan) return plan;
    // Leases are wall-clock time of the app hosts (not the business clock some use cases take as `now`).
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + PROVIDER_CALL_LEASE_MS);
    const unfinished = await tx.billingProviderCall.findUnique({
      where: { tenantId_provider_action: { tenantId: spec.tenantId, provider: spec.provider, action: plan.action } },
    });
    if (unfinished?.leaseUntil && unfinished.leaseUntil > now) return { busy: true };
    if (unfinished) {
      const fresh = spec.resumeWithinMs === undefined || now.getTime() - unfinished.createdAt.getTime() < spec.resumeWithinMs;
      if (spec.unfinished === "resume" && fresh) {
        await tx.billingProviderCall.update({ where: { id: unfinished.id }, data: { leaseUntil } });
        return { key: unfinished.id, request: unfinished.request as Request, leaseUntil };
      }
      await tx.billingProviderCall.delete({ where: { id: unfinished.id } });
    }
    const created = await tx.billingProviderCall.create({
      data: { tenantId: spec.tenantId, provider: spec.provider, action: plan.action, request: plan.request as Prisma.InputJsonObject, leaseUntil, createdAt: now },
      select: { id: true },
    });
    return { key: created.id, request: plan.request, leaseUntil };
  });
}

async function callAndRecord<Request extends object, Response, Result>(
  db: Db,
  spec: ReservedProviderCall<Request, Response, Result>,
  claim: { key: string; request: Request; leaseUntil: Date },
): Promise<Result> {
  // Only while this request still holds the lease it took: after it ran out the call may be another's.
  const ours = { id: claim.key, leaseUntil: claim.leaseUntil };
  let response: Response;
  try {
    response = await callPaymentProvider(() => spec.call(claim.key, claim.request));
  } catch (error) {
    // Refused: nothing was done, the next request starts afresh. Anything else (unavailable, a timeout,
    // a bug) may have reached the provider: the reservation stays, free to be resumed at once.
    const refused = error instanceof AppError && error.code === "PAYMENT_PROVIDER_ERROR";
    await (refused
      ? db.billingProviderCall.deleteMany({ where: ours })
      : db.billingProviderCall.updateMany({ where: ours, data: { leaseUntil: null } })
    ).catch(() => undefined); // best effort: if the database is gone too, the lease runs out instead
    throw error;
  }
  try {
    return await inTransaction(db, async (tx) => {
      await lockTenantBilling(tx, spec.tenantId);
      const result = await spec.record(tx, { key: claim.key, request: claim.request, response });
      await tx.billingProviderCall.deleteMany({ where: { id: claim.key } });
      return result;
    });
  } catch (error) {
    // The provider acted but the result is not recorded: the next request resumes the call under the
    // same key (now, or once the lease runs out if the database is unreachable for this release too).
    await db.billingProviderCall.updateMany({ where: ours, data: { leaseUntil: null } }).catch(() => undefined);
    throw error;
  }
}
