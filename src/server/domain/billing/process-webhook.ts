import { z } from "zod";
import type { Db, DbTx } from "@/server/db/client";
import { inTransaction } from "@/server/db/transaction";
import { Prisma, type PaymentEventStatus } from "@/generated/prisma/client";
import { defineJob, enqueue, PermanentJobError } from "@/server/domain/jobs";
import { creditPackExpiresAt, creditPacks, findByProductId } from "@/server/domain/plans/plans";
import { applySubscriptionEvent } from "./apply-billing-event";
import { billingEventFromDodo } from "./state-machine";

// Processes one inbox row (billing_payment_events) written by receive-webhook.ts. Idempotent and
// order-independent: a finished row is left alone; subscription events become facts of their subscription
// and its record is the fold of all of them (applySubscriptionEvent: notifications and timers commit with
// the state change); credit pack payments and refunds append ledger entries whose UNIQUE (kind,
// reference) makes a retry a no-op. An event that needs another one first (a refund before its payment,
// anything before the event that tells us its tenant) waits: it is parked, woken when that event is
// processed and re-checked by a sweep until WAIT_WINDOW_MS after it arrived.

const MISSING_ROW_ATTEMPTS = 3;
const DAY_MS = 24 * 60 * 60 * 1000;
/** How long an event waits for the one it depends on: well past Dodo's own retry window (~1.5 days). */
export const WAIT_WINDOW_MS = 3 * DAY_MS;

/** The parts of Dodo's payment / subscription / refund `data` this job reads. */
interface DodoData {
  payment_id?: string;
  refund_id?: string;
  subscription_id?: string | null;
  product_id?: string;
  product_cart?: { product_id: string; quantity?: number }[] | null;
  quantity?: number;
  status?: string | null;
  total_amount?: number;
  amount?: number;
  currency?: string;
  customer?: { customer_id?: string } | null;
  metadata?: Record<string, unknown> | null;
  next_billing_date?: string | null;
  cancel_at_next_billing_date?: boolean | null;
}

interface Envelope {
  type: string;
  timestamp: string;
  data: DodoData;
}

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

async function resolveTenantId(db: DbOrClient, provider: string, data: DodoData): Promise<string | null> {
  const fromMetadata = data.metadata?.tenantId;
  if (typeof fromMetadata === "string" && fromMetadata) {
    const tenant = await db.tenant.findUnique({ where: { id: fromMetadata }, select: { id: true } });
    if (tenant) return tenant.id;
  }
  const customerId = data.customer?.customer_id;
  if (customerId) {
    const customer = await db.billingCustomer.findUnique({
      where: { provider_providerCustomerId: { provider, providerCustomerId: customerId } },
      select: { tenantId: true },
    });
    if (customer) return customer.tenantId;
  }
  if (data.subscription_id) {
    const sub = await db.billingTenantSubscription.findUnique({ where: { providerSubscriptionId: data.subscription_id }, select: { tenantId: true } });
    if (sub) return sub.tenantId;
  }
  if (data.payment_id) {
    const payment = await db.billingOneTimePayment.findUnique({ where: { providerPaymentId: data.payment_id }, select: { tenantId: true } });
    if (payment) return payment.tenantId;
  }
  return null;
}

function productOf(data: DodoData): { productId: string | null; quantity: number } {
  const line = data.product_cart?.[0];
  if (line) return { productId: line.product_id, quantity: line.quantity ?? 1 };
  return { productId: data.product_id ?? null, quantity: data.quantity ?? 1 };
}

async function applySubscriptionWebhook(tx: DbTx, provider: string, tenantId: string, eventId: string, envelope: Envelope, opts: ProcessWebhookOptions): Promise<string> {
  const event = billingEventFromDodo(envelope);
  if (!event) throw new Error("not a subscription event");
  const data = envelope.data;
  if (!data.subscription_id) throw new PermanentJobError(`${envelope.type} has no subscription_id`);
  const charge =
    envelope.type === "payment.failed" && typeof data.total_amount === "number" && data.currency
      ? { amountMinor: data.total_amount, currency: data.currency }
      : undefined;
  const result = await applySubscriptionEvent(
    tx,
    tenantId,
    { ...event, inboxEventId: eventId, provider, providerSubscriptionId: data.subscription_id, productId: productOf(data).productId },
    { now: opts.now ?? new Date(), graceDays: opts.graceDays, charge },
  );
  return result.note;
}

async function applyCreditPackPayment(tx: DbTx, provider: string, tenantId: string, envelope: Envelope): Promise<{ status: "processed" | "ignored"; note: string }> {
  const data = envelope.data;
  const { productId, quantity } = productOf(data);
  const product = productId ? findByProductId(productId) : null;
  if (!data.payment_id || !productId || product?.kind !== "credit-pack") {
    return { status: "ignored", note: `one-time payment of ${productId ?? "no product"} is not a credit pack` };
  }
  await tx.billingOneTimePayment.createMany({
    data: [
      {
        provider,
        providerPaymentId: data.payment_id,
        tenantId,
        productId,
        amountMinor: data.total_amount ?? 0,
        currency: data.currency ?? "USD",
        status: "succeeded",
      },
    ],
    skipDuplicates: true,
  });
  const credits = creditPacks[product.packId].credits * Math.max(1, quantity);
  // Dated when the customer paid (the envelope's time), not when a retry got to it: the ledger's history
  // and the expiry then agree.
  const paidAt = new Date(envelope.timestamp);
  const { count } = await tx.tenantCreditLedger.createMany({
    data: [
      {
        tenantId,
        kind: "purchase",
        amount: credits,
        expiresAt: creditPackExpiresAt(product.packId, paidAt),
        reference: data.payment_id,
        createdAt: paidAt,
      },
    ],
    skipDuplicates: true,
  });
  return { status: "processed", note: count ? `credited ${credits} (${product.packId})` : "already credited" };
}

async function applyRefund(tx: DbTx, envelope: Envelope): Promise<Applied> {
  const { refund_id: refundId, payment_id: paymentId, amount } = envelope.data;
  if (!refundId || !paymentId) throw new PermanentJobError("refund.succeeded without refund_id or payment_id");
  // Ordered against the payment's processing (wakeDependents takes the same lock after crediting):
  // either its credits are visible below, or it commits after we park and wakes us.
  await lockDependency(tx, `payment:${paymentId}`);
  const purchase = await tx.tenantCreditLedger.findUnique({ where: { kind_reference: { kind: "purchase", reference: paymentId } } });
  if (!purchase) {
    // No credits for this payment (yet): a refund of a subscription payment or of a one-time payment that
    // bought no credits has nothing to reverse; otherwise the payment has not been processed yet (order is
    // not guaranteed), so wait for it rather than lose the refund.
    const payments = await tx.billingPaymentEvent.findMany({
      where: { type: "payment.succeeded", payload: { path: ["data", "payment_id"], equals: paymentId } },
      select: { status: true, payload: true },
    });
    const noCredits = payments.some((p) => p.status === "ignored" || Boolean((p.payload as unknown as Envelope).data.subscription_id));
    if (!noCredits) return { status: "waiting", note: `refund ${refundId} waits for payment ${paymentId}`, waitingFor: [`payment:${paymentId}`] };
    return { status: "ignored", note: `refund of payment ${paymentId}, which bought no credits` };
  }
  const payment = await tx.billingOneTimePayment.findUnique({ where: { providerPaymentId: paymentId } });
  // Partial refund: the proportional share of the credits; full (or unknown amount): all of them.
  const share = payment && payment.amountMinor > 0 && typeof amount === "number" ? Math.min(1, amount / payment.amountMinor) : 1;
  const credits = Math.round(purchase.amount * share);
  const { count } = await tx.tenantCreditLedger.createMany({
    data: [{ tenantId: purchase.tenantId, kind: "refund", amount: -credits, reference: refundId, lotId: purchase.id, createdAt: new Date(envelope.timestamp) }],
    skipDuplicates: true,
  });
  if (payment) {
    await tx.billingOneTimePayment.update({ where: { id: payment.id }, data: { status: share >= 1 ? "refunded" : "partially_refunded" } });
  }
  return { status: "processed", note: count ? `refunded ${credits} credits` : "refund already recorded" };
}

/** Orders a waiting event's check against the processing of the event it waits for (one key: "payment:<id>"). */
async function lockDependency(tx: DbTx, key: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('billing-dependency'), hashtext(${key}))`;
}

/** What an event can be waited on as: its payment, subscription and customer, once its tenant is known. */
function dependencyKeys(data: DodoData): string[] {
  const keys = [
    data.payment_id ? `payment:${data.payment_id}` : null,
    data.subscription_id ? `subscription:${data.subscription_id}` : null,
    data.customer?.customer_id ? `customer:${data.customer.customer_id}` : null,
  ];
  return keys.filter((key): key is string => key !== null).sort();
}

/** Puts the events waiting for any of `keys` back in the queue: the event they waited for is processed. */
async function wakeDependents(tx: DbTx, keys: string[]): Promise<void> {
  for (const key of keys) await lockDependency(tx, key);
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
    const envelope = event.payload as unknown as Envelope;
    const data = envelope.data ?? {};
    // Which provider sent it (the route records it: "dodo", or "simulator" in development).
    const provider = event.provider;
    const isSubscriptionEvent = billingEventFromDodo(envelope) !== null;
    const isCreditPayment = envelope.type === "payment.succeeded" && !data.subscription_id;
    const isRefund = envelope.type === "refund.succeeded";
    const finish = (tx: DbOrClient, status: "processed" | "ignored", note: string | null, tenantId: string | null) =>
      tx.billingPaymentEvent.updateMany({
        where: unfinished,
        data: { status, note, tenantId, processedAt: opts.now ?? new Date(), lastError: null, waitingFor: [], waitUntil: null },
      });

    if (!isSubscriptionEvent && !isCreditPayment && !isRefund) {
      await finish(db, "ignored", `${envelope.type} is not handled`, null);
      return { status: "ignored", note: `${envelope.type} is not handled` };
    }
    const keys = dependencyKeys(data);

    return await inTransaction(db, async (tx): Promise<ProcessWebhookOutcome> => {
      const tenantId = await resolveTenantId(tx, provider, data);
      let result: Applied;
      if (!tenantId) {
        result = { status: "waiting", note: `${envelope.type} waits for an event that names its tenant`, waitingFor: keys };
      } else {
        const customerId = data.customer?.customer_id;
        if (customerId) {
          await tx.billingCustomer.createMany({ data: [{ tenantId, provider, providerCustomerId: customerId }], skipDuplicates: true });
        }
        if (isSubscriptionEvent) result = { status: "processed", note: await applySubscriptionWebhook(tx, provider, tenantId, eventId, envelope, opts) };
        else if (isCreditPayment) result = await applyCreditPackPayment(tx, provider, tenantId, envelope);
        else result = await applyRefund(tx, envelope);
      }
      if (result.status === "waiting") {
        if (result.waitingFor.length === 0) throw new PermanentJobError(`${envelope.type} names no tenant, customer, subscription or payment`);
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
