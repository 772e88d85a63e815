import { z } from "zod";
import type { Db, DbTx } from "@/server/db/client";
import { inTransaction } from "@/server/db/transaction";
import { Prisma } from "@/generated/prisma/client";
import { defineJob, PermanentJobError } from "@/server/domain/jobs";
import { creditPackExpiresAt, creditPacks, findByProductId } from "@/server/domain/plans/plans";
import { applyBillingEvent } from "./apply-billing-event";
import { billingEventFromDodo } from "./state-machine";

// Processes one inbox row (billing_payment_events) written by receive-webhook.ts. Idempotent and
// order-safe: a finished row is left alone; subscription events go through applyBillingEvent (the state
// machine under a row lock on the tenant's subscription record: an older event never moves it backwards,
// and its notifications and timers commit with the state change); credit pack
// payments and refunds append ledger entries whose UNIQUE (kind, reference) makes a retry a no-op.

const MISSING_ROW_ATTEMPTS = 3;

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
  | { status: "processed" | "ignored"; note: string | null };

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

async function applySubscriptionEvent(tx: DbTx, provider: string, tenantId: string, envelope: Envelope, opts: ProcessWebhookOptions): Promise<string> {
  const event = billingEventFromDodo(envelope);
  if (!event) throw new Error("not a subscription event");
  const data = envelope.data;
  const subscriptionId = data.subscription_id;
  if (!subscriptionId) throw new PermanentJobError(`${envelope.type} has no subscription_id`);
  const { productId } = productOf(data);

  // Create on first sight (ON CONFLICT DO NOTHING); applyBillingEvent then locks it, so concurrent events
  // for one tenant serialize there.
  await tx.billingTenantSubscription.createMany({
    data: [{ tenantId, provider, providerSubscriptionId: subscriptionId, state: "trial", productId }],
    skipDuplicates: true,
  });
  const charge =
    envelope.type === "payment.failed" && typeof data.total_amount === "number" && data.currency
      ? { amountMinor: data.total_amount, currency: data.currency }
      : undefined;
  const result = await applyBillingEvent(tx, tenantId, event, {
    now: opts.now ?? new Date(),
    graceDays: opts.graceDays,
    subscription: { providerSubscriptionId: subscriptionId, productId },
    charge,
  });
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

async function applyRefund(tx: DbTx, envelope: Envelope): Promise<{ status: "processed" | "ignored"; note: string }> {
  const { refund_id: refundId, payment_id: paymentId, amount } = envelope.data;
  if (!refundId || !paymentId) throw new PermanentJobError("refund.succeeded without refund_id or payment_id");
  const purchase = await tx.tenantCreditLedger.findUnique({ where: { kind_reference: { kind: "purchase", reference: paymentId } } });
  if (!purchase) {
    // No credits for this payment (yet): a refund of a subscription payment or of a one-time payment that
    // bought no credits has nothing to reverse; otherwise the payment has not been processed yet (order is
    // not guaranteed), so retry later rather than lose the refund.
    const payments = await tx.billingPaymentEvent.findMany({
      where: { type: "payment.succeeded", payload: { path: ["data", "payment_id"], equals: paymentId } },
      select: { status: true, payload: true },
    });
    const noCredits = payments.some((p) => p.status === "ignored" || Boolean((p.payload as unknown as Envelope).data.subscription_id));
    if (!noCredits) throw new Error(`refund ${refundId} for payment ${paymentId} arrived before the payment's credits: retry later`);
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

/** Processes one inbox row; throws to be retried (the row then shows status failed with last_error). */
export async function processWebhookEvent(db: DbOrClient, eventId: string, opts: ProcessWebhookOptions = {}): Promise<ProcessWebhookOutcome> {
  const event = await db.billingPaymentEvent.findUnique({ where: { id: eventId } });
  if (!event) {
    // On Trigger.dev the job is triggered before receiveWebhook's transaction commits: the first runs can
    // come too early. A row still missing after a few tries was rolled back.
    if ((opts.attempt ?? MISSING_ROW_ATTEMPTS) < MISSING_ROW_ATTEMPTS) throw new Error(`Webhook event ${eventId} does not exist (yet)`);
    throw new PermanentJobError(`Webhook event ${eventId} does not exist`);
  }
  if (event.status === "processed" || event.status === "ignored") return { status: "already-done", was: event.status };
  await db.billingPaymentEvent.update({ where: { id: eventId }, data: { attempts: { increment: 1 } } });

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
        where: { id: eventId, status: { in: ["received", "failed"] } },
        data: { status, note, tenantId, processedAt: opts.now ?? new Date(), lastError: null },
      });

    if (!isSubscriptionEvent && !isCreditPayment && !isRefund) {
      await finish(db, "ignored", `${envelope.type} is not handled`, null);
      return { status: "ignored", note: `${envelope.type} is not handled` };
    }
    const tenantId = await resolveTenantId(db, provider, data);
    if (!tenantId) throw new Error(`No tenant for ${envelope.type} (metadata.tenantId, customer, subscription or payment unknown)`);

    return await inTransaction(db, async (tx) => {
      const customerId = data.customer?.customer_id;
      if (customerId) {
        await tx.billingCustomer.createMany({ data: [{ tenantId, provider, providerCustomerId: customerId }], skipDuplicates: true });
      }
      let result: { status: "processed" | "ignored"; note: string };
      if (isSubscriptionEvent) result = { status: "processed", note: await applySubscriptionEvent(tx, provider, tenantId, envelope, opts) };
      else if (isCreditPayment) result = await applyCreditPackPayment(tx, provider, tenantId, envelope);
      else result = await applyRefund(tx, envelope);
      await finish(tx, result.status, result.note, tenantId);
      return result;
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db.billingPaymentEvent.updateMany({ where: { id: eventId, status: { in: ["received", "failed"] } }, data: { status: "failed", lastError: message.slice(0, 2000) } });
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2003") throw new PermanentJobError(message);
    throw error;
  }
}

export const processWebhookJob = defineJob({
  name: "billing.process-webhook",
  parse: (payload) => z.object({ eventId: z.string().min(1) }).parse(payload),
  run: (payload, ctx) => processWebhookEvent(ctx.db, payload.eventId, { attempt: ctx.attempt }),
  // Dodo retries deliveries for ~1.5 days; ours cover a refund that arrives before its payment and DB hiccups.
  retry: { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 10 * 60_000 },
});
