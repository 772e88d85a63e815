import { z } from "zod";
import type { Db, DbTx } from "@/server/db/client";
import { lockBillingDependency } from "@/server/db/locks";
import { inTransaction, type Tx } from "@/server/db/transaction";
import { Prisma, type BillingPaymentEvent, type PaymentEventStatus } from "@/generated/prisma/client";
import { findCreditPurchase, grantPurchasedCredits, reverseCreditsForRefund } from "@/server/domain/credits/purchases";
import { defineJob, enqueue, PermanentJobError } from "@/server/domain/jobs";
import { creditPackExpiresAt, creditPacks, findByProductId } from "@/server/domain/plans/plans";
import { PAYMENT_EVENT_KINDS, type PaymentEventKind } from "@/server/providers/payments";
import { applySubscriptionEvent } from "./apply-billing-event";
import type { ProviderEventKind } from "./state-machine";
import { DAY_MS } from "@/lib/time";

// Processes one inbox row (billing_payment_events) written by receive-webhook.ts, from the columns the
// provider's parseWebhook filled (never the vendor's JSON), dispatched by kind. Idempotent and
// order-independent: a finished row is left alone; subscription events become facts of their subscription
// and its record is the fold of all of them (applySubscriptionEvent: notifications and timers commit with
// the state change); credit pack payments and refunds append ledger entries whose UNIQUE (kind,
// reference) makes a retry a no-op. An event that needs another one first (a refund before its payment,
// anything before the event that tells us its tenant) waits: it is parked, woken when that event is
// processed and re-checked by a sweep until WAIT_WINDOW_MS after it arrived.

const MISSING_ROW_ATTEMPTS = 3;
/** How long an event waits for the one it depends on: well past Dodo's own retry window (~1.5 days). */
export const WAIT_WINDOW_MS = 3 * DAY_MS;

export type ProcessWebhookOutcome =
  | { status: "already-done"; was: string }
  | { status: "processed" | "ignored"; note: string | null }
  | { status: "waiting"; note: string; waitingFor: string[] };

/** What processing an event led to; "waiting" parks it until one of `waitingFor` is processed. */
type Applied = { status: "processed" | "ignored"; note: string } | { status: "waiting"; note: string; waitingFor: string[] };

export interface ProcessWebhookOptions {
  now?: Date;
  /** The job attempt (1 first). */
  attempt?: number;
  graceDays?: number;
}

type DbOrClient = Db | DbTx;

/** An inbox row: the event as the provider normalized it (PaymentWebhookEvent's fields as columns). */
type InboxEvent = BillingPaymentEvent;

async function resolveTenantId(db: DbOrClient, event: InboxEvent): Promise<string | null> {
  if (event.metadataTenantId) {
    const tenant = await db.tenant.findUnique({ where: { id: event.metadataTenantId }, select: { id: true } });
    if (tenant) return tenant.id;
  }
  if (event.providerCustomerId) {
    const customer = await db.billingCustomer.findUnique({
      where: { provider_providerCustomerId: { provider: event.provider, providerCustomerId: event.providerCustomerId } },
      select: { tenantId: true },
    });
    if (customer) return customer.tenantId;
  }
  if (event.providerSubscriptionId) {
    const sub = await db.billingTenantSubscription.findUnique({ where: { providerSubscriptionId: event.providerSubscriptionId }, select: { tenantId: true } });
    if (sub) return sub.tenantId;
  }
  if (event.providerPaymentId) {
    const payment = await db.billingOneTimePayment.findUnique({ where: { providerPaymentId: event.providerPaymentId }, select: { tenantId: true } });
    if (payment) return payment.tenantId;
  }
  return null;
}

type SubscriptionEventKind = Extract<PaymentEventKind, `subscription.${string}`>;

/** The state machine's name for each subscription event (a subscription's payments are payment.*). */
const MACHINE_KIND: Readonly<Record<SubscriptionEventKind, ProviderEventKind>> = {
  "subscription.active": "subscription.active",
  "subscription.renewed": "subscription.renewed",
  "subscription.on_hold": "subscription.on_hold",
  "subscription.past_due": "subscription.past_due",
  "subscription.paused": "subscription.paused",
  "subscription.unpaused": "subscription.unpaused",
  "subscription.cancelled": "subscription.cancelled",
  "subscription.expired": "subscription.expired",
  "subscription.failed": "subscription.failed",
  "subscription.payment_succeeded": "payment.succeeded",
  "subscription.payment_failed": "payment.failed",
};

interface HandlerInput {
  event: InboxEvent;
  tenantId: string;
  opts: ProcessWebhookOptions;
}
type Handler = (tx: Tx, input: HandlerInput) => Promise<Applied>;

async function applySubscriptionWebhook(tx: Tx, { event, tenantId, opts }: HandlerInput): Promise<Applied> {
  const kind = MACHINE_KIND[event.kind as SubscriptionEventKind];
  if (!event.providerSubscriptionId) throw new PermanentJobError(`${event.type} names no subscription`);
  const charge =
    kind === "payment.failed" && event.amountMinor !== null && event.currency ? { amountMinor: event.amountMinor, currency: event.currency } : undefined;
  const result = await applySubscriptionEvent(
    tx,
    tenantId,
    {
      kind,
      at: event.occurredAt,
      periodEnd: event.periodEnd,
      inboxEventId: event.id,
      provider: event.provider,
      providerSubscriptionId: event.providerSubscriptionId,
      productId: event.productId,
    },
    { now: opts.now ?? new Date(), graceDays: opts.graceDays, charge },
  );
  return { status: "processed", note: result.note };
}

async function applyCreditPackPayment(tx: Tx, { event, tenantId }: HandlerInput): Promise<Applied> {
  const { productId, providerPaymentId: paymentId } = event;
  const product = productId ? findByProductId(productId) : null;
  if (!paymentId || !productId || product?.kind !== "credit-pack") {
    return { status: "ignored", note: `one-time payment of ${productId ?? "no product"} is not a credit pack` };
  }
  await tx.billingOneTimePayment.createMany({
    data: [
      {
        provider: event.provider,
        providerPaymentId: paymentId,
        tenantId,
        productId,
        amountMinor: event.amountMinor ?? 0,
        currency: event.currency ?? "USD",
        status: "succeeded",
      },
    ],
    skipDuplicates: true,
  });
  const credits = creditPacks[product.packId].credits * Math.max(1, event.quantity ?? 1);
  const granted = await grantPurchasedCredits(tx, {
    tenantId,
    paymentId,
    credits,
    expiresAt: creditPackExpiresAt(product.packId, event.occurredAt),
    paidAt: event.occurredAt,
  });
  return { status: "processed", note: granted ? `credited ${credits} (${product.packId})` : "already credited" };
}

async function applyRefund(tx: Tx, { event }: HandlerInput): Promise<Applied> {
  const { providerRefundId: refundId, providerPaymentId: paymentId, amountMinor: amount } = event;
  if (!refundId || !paymentId) throw new PermanentJobError(`${event.type} names no refund or no payment`);
  // Ordered against the payment's processing (wakeDependents takes the same lock after crediting):
  // either its credits are visible below, or it commits after we park and wakes us.
  await lockBillingDependency(tx, `payment:${paymentId}`);
  const purchase = await findCreditPurchase(tx, paymentId);
  if (!purchase) {
    // No credits for this payment (yet): a refund of a subscription payment or of a one-time payment that
    // bought no credits has nothing to reverse; otherwise the payment has not been processed yet (order is
    // not guaranteed), so wait for it rather than lose the refund.
    const payments = await tx.billingPaymentEvent.findMany({
      where: { providerPaymentId: paymentId, kind: { in: ["payment.succeeded", "subscription.payment_succeeded"] } },
      select: { status: true, kind: true },
    });
    const noCredits = payments.some((p) => p.status === "ignored" || p.kind === "subscription.payment_succeeded");
    if (!noCredits) return { status: "waiting", note: `refund ${refundId} waits for payment ${paymentId}`, waitingFor: [`payment:${paymentId}`] };
    return { status: "ignored", note: `refund of payment ${paymentId}, which bought no credits` };
  }
  const payment = await tx.billingOneTimePayment.findUnique({ where: { providerPaymentId: paymentId } });
  // Partial refund: the proportional share of the credits; full (or unknown amount): all of them.
  const share = payment && payment.amountMinor > 0 && amount !== null ? Math.min(1, amount / payment.amountMinor) : 1;
  const { credits, recorded } = await reverseCreditsForRefund(tx, { purchase, share, refundId, refundedAt: event.occurredAt });
  if (payment) {
    await tx.billingOneTimePayment.update({ where: { id: payment.id }, data: { status: share >= 1 ? "refunded" : "partially_refunded" } });
  }
  return { status: "processed", note: recorded ? `refunded ${credits} credits` : "refund already recorded" };
}

/** Kinds billing does nothing with: the event is marked ignored, without a transaction. */
type IgnoredKind = "payment.failed" | "unhandled";
const IGNORED: Readonly<Record<IgnoredKind, string>> = {
  "payment.failed": "a failed one-time payment bought nothing",
  unhandled: "is not handled",
};

/** One handler per kind (exhaustive: a new kind does not compile until it is handled or ignored). */
const HANDLERS: Readonly<Record<Exclude<PaymentEventKind, IgnoredKind>, Handler>> = {
  "subscription.active": applySubscriptionWebhook,
  "subscription.renewed": applySubscriptionWebhook,
  "subscription.on_hold": applySubscriptionWebhook,
  "subscription.past_due": applySubscriptionWebhook,
  "subscription.paused": applySubscriptionWebhook,
  "subscription.unpaused": applySubscriptionWebhook,
  "subscription.cancelled": applySubscriptionWebhook,
  "subscription.expired": applySubscriptionWebhook,
  "subscription.failed": applySubscriptionWebhook,
  "subscription.payment_succeeded": applySubscriptionWebhook,
  "subscription.payment_failed": applySubscriptionWebhook,
  "payment.succeeded": applyCreditPackPayment,
  "refund.succeeded": applyRefund,
};

/** What to do with a stored kind: a handler, a reason to ignore it, or a row no provider could have written. */
function dispatch(kind: string): { handler: Handler } | { ignored: string } {
  if (!isPaymentEventKind(kind)) throw new PermanentJobError(`unknown event kind ${JSON.stringify(kind)}`);
  if (kind === "payment.failed" || kind === "unhandled") return { ignored: IGNORED[kind] };
  return { handler: HANDLERS[kind] };
}

function isPaymentEventKind(kind: string): kind is PaymentEventKind {
  return (PAYMENT_EVENT_KINDS as readonly string[]).includes(kind);
}

/** What an event can be waited on as: its payment, subscription and customer, once its tenant is known. */
function dependencyKeys(event: InboxEvent): string[] {
  const keys = [
    event.providerPaymentId ? `payment:${event.providerPaymentId}` : null,
    event.providerSubscriptionId ? `subscription:${event.providerSubscriptionId}` : null,
    event.providerCustomerId ? `customer:${event.providerCustomerId}` : null,
  ];
  return keys.filter((key): key is string => key !== null).sort();
}

/** Puts the events waiting for any of `keys` back in the queue: the event they waited for is processed. */
async function wakeDependents(tx: Tx, keys: string[]): Promise<void> {
  for (const key of keys) await lockBillingDependency(tx, key);
  const woken = await tx.billingPaymentEvent.updateManyAndReturn({
    where: { status: "waiting", waitingFor: { hasSome: keys } },
    data: { status: "received", waitingFor: [], waitUntil: null },
    select: { id: true, attempts: true },
  });
  for (const row of woken) await requeueWebhookEvent(tx, row, "wake");
}

/**
 * Queues another processing of a stored event. The key names this occasion (a wake-up after attempt n,
 * the n-th delivery), so the occasions of one event never collapse into an earlier, finished job.
 */
export function requeueWebhookEvent(db: DbOrClient, row: { id: string; attempts: number }, occasion: "wake" | `delivery:${number}`) {
  const idempotencyKey = occasion === "wake" ? `${row.id}:wake:${row.attempts}` : `${row.id}:${occasion}`;
  return enqueue(processWebhookJob, { eventId: row.id }, { idempotencyKey, db });
}

/** Processes one inbox row; throws to be retried (the row then shows status failed with last_error). */
export async function processWebhookEvent(db: DbOrClient, eventId: string, opts: ProcessWebhookOptions = {}): Promise<ProcessWebhookOutcome> {
  const event = await db.billingPaymentEvent.findUnique({ where: { id: eventId } });
  if (!event) {
    // On Trigger.dev a job could start before the row is visible (a replica, a slow commit): the first
    // runs can come too early. A row still missing after a few tries is gone.
    if ((opts.attempt ?? MISSING_ROW_ATTEMPTS) < MISSING_ROW_ATTEMPTS) throw new Error(`Webhook event ${eventId} does not exist (yet)`);
    throw new PermanentJobError(`Webhook event ${eventId} does not exist`);
  }
  if (event.status === "processed" || event.status === "ignored") return { status: "already-done", was: event.status };
  await db.billingPaymentEvent.update({ where: { id: eventId }, data: { attempts: { increment: 1 } } });
  const unfinished = { id: eventId, status: { in: ["received", "failed", "waiting"] as PaymentEventStatus[] } };

  try {
    const finish = (tx: DbOrClient, status: "processed" | "ignored", note: string | null, tenantId: string | null) =>
      tx.billingPaymentEvent.updateMany({
        where: unfinished,
        data: { status, note, tenantId, processedAt: opts.now ?? new Date(), lastError: null, waitingFor: [], waitUntil: null },
      });
    const route = dispatch(event.kind);
    if ("ignored" in route) {
      const note = event.kind === "unhandled" ? `${event.type} ${route.ignored}` : route.ignored;
      await finish(db, "ignored", note, null);
      return { status: "ignored", note };
    }
    const keys = dependencyKeys(event);

    return await inTransaction(db, async (tx): Promise<ProcessWebhookOutcome> => {
      const tenantId = await resolveTenantId(tx, event);
      let result: Applied;
      if (!tenantId) {
        result = { status: "waiting", note: `${event.type} waits for an event that names its tenant`, waitingFor: keys };
      } else {
        if (event.providerCustomerId) {
          await tx.billingCustomer.createMany({ data: [{ tenantId, provider: event.provider, providerCustomerId: event.providerCustomerId }], skipDuplicates: true });
        }
        result = await route.handler(tx, { event, tenantId, opts });
      }
      if (result.status === "waiting") {
        if (result.waitingFor.length === 0) throw new PermanentJobError(`${event.type} names no tenant, customer, subscription or payment`);
        await tx.billingPaymentEvent.updateMany({
          where: unfinished,
          data: { status: "waiting", note: result.note, tenantId, waitingFor: result.waitingFor, waitUntil: new Date(event.receivedAt.getTime() + WAIT_WINDOW_MS), lastError: null },
        });
        return result;
      }
      await finish(tx, result.status, result.note, tenantId);
      await wakeDependents(tx, keys);
      return result;
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db.billingPaymentEvent.updateMany({ where: unfinished, data: { status: "failed", lastError: message.slice(0, 2000) } });
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2003") throw new PermanentJobError(message);
    throw error;
  }
}

/**
 * The sweep behind the wake-ups: every waiting event is checked again (a wake-up can be missed: the
 * event it waits for was processed by a replay that named none of its keys), and one that waited past
 * its window fails for good, visible in the admin inbox, where a replay or the provider's next delivery
 * takes it up again.
 */
export async function sweepWaitingWebhookEvents(db: DbOrClient, now: Date): Promise<{ requeued: number; expired: number }> {
  const expired = await db.billingPaymentEvent.updateMany({
    where: { status: "waiting", waitUntil: { lte: now } },
    data: { status: "failed", lastError: `Gave up waiting: what it depends on did not arrive within ${WAIT_WINDOW_MS / DAY_MS} days`, waitUntil: null },
  });
  let requeued = 0;
  for (;;) {
    const page = await db.billingPaymentEvent.findMany({ where: { status: "waiting" }, select: { id: true, attempts: true }, orderBy: { id: "asc" }, take: 200 });
    if (page.length === 0) break;
    const woken = await db.billingPaymentEvent.updateManyAndReturn({
      where: { id: { in: page.map((row) => row.id) }, status: "waiting" },
      data: { status: "received", waitingFor: [], waitUntil: null },
      select: { id: true, attempts: true },
    });
    for (const row of woken) await requeueWebhookEvent(db, row, "wake");
    requeued += woken.length;
    if (page.length < 200) break;
  }
  return { requeued, expired: expired.count };
}

export const processWebhookJob = defineJob({
  name: "billing.process-webhook",
  parse: (payload) => z.object({ eventId: z.string().min(1) }).parse(payload),
  run: (payload, ctx) => processWebhookEvent(ctx.db, payload.eventId, { attempt: ctx.attempt }),
  // For errors (a database hiccup); an event waiting for another is parked instead (see above).
  retry: { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 10 * 60_000 },
});

export const waitingWebhooksSweepJob = defineJob({
  name: "billing.waiting-webhooks-sweep",
  cron: "*/10 * * * *",
  parse: (payload) => z.object({ scheduledAt: z.iso.datetime() }).parse(payload),
  run: (_payload, ctx) => sweepWaitingWebhookEvents(ctx.db, new Date()),
  retry: { maxAttempts: 3, baseDelayMs: 30_000, maxDelayMs: 5 * 60_000 },
});
