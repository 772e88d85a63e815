/**
 * Dodo-shaped webhook deliveries for tests: envelope builders, signed delivery through the real route
 * handler, and two local job runners draining the queue (the clock jumps a day when only backoffs and
 * timers remain). Set DODO_PAYMENTS_WEBHOOK_KEY before importing app modules (src/env.ts reads it once).
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { POST } from "@/app/api/webhooks/dodo/route";
import { prisma } from "@/server/db/client";
import { inboxRow } from "@/server/domain/billing/receive-webhook";
import { runOnce } from "@/server/domain/jobs";
import { dodoWebhookEvent } from "@/server/providers/payments/dodo-webhooks";
import { jobs } from "@/server/jobs";
import { signWebhook } from "@/server/providers/payments/webhook-signature";
import { DAY_MS } from "@/lib/time";

export interface Delivery {
  id: string;
  body: string;
}

export function dodoEvent(type: string, timestamp: string, data: Record<string, unknown>, id = `msg_${randomUUID()}`): Delivery {
  return { id, body: JSON.stringify({ business_id: "bus_test", type, timestamp, data }) };
}

/**
 * The inbox row receive-webhook.ts stores for a Dodo body (its normalized columns and the body), for tests
 * that write inbox rows directly (spread it into billingPaymentEvent.create's data, then set status...).
 */
export function dodoInboxRow(type: string, timestamp: Date, data: Record<string, unknown>, id = `msg_${randomUUID()}`) {
  const payload = { business_id: "bus_test", type, timestamp: timestamp.toISOString(), data };
  return inboxRow("dodo", dodoWebhookEvent(id, { type, timestamp, data }), payload);
}

export const subscriptionEvent = (type: string, tenantId: string, timestamp: string, extra: Record<string, unknown> = {}) =>
  dodoEvent(type, timestamp, {
    payload_type: "Subscription",
    subscription_id: `sub_${tenantId}`,
    status: type.split(".")[1],
    product_id: "prod_pro_monthly",
    quantity: 1,
    customer: { customer_id: `cus_${tenantId}`, email: "owner@example.com" },
    metadata: { tenantId },
    next_billing_date: new Date(Date.parse(timestamp) + 30 * DAY_MS).toISOString(),
    previous_billing_date: timestamp,
    cancel_at_next_billing_date: false,
    ...extra,
  });

export const subscriptionPayment = (type: "payment.succeeded" | "payment.failed", tenantId: string, paymentId: string, timestamp: string) =>
  dodoEvent(type, timestamp, {
    payload_type: "Payment",
    payment_id: paymentId,
    subscription_id: `sub_${tenantId}`,
    status: type === "payment.succeeded" ? "succeeded" : "failed",
    total_amount: 2_900,
    currency: "USD",
    customer: { customer_id: `cus_${tenantId}`, email: "owner@example.com" },
    metadata: { tenantId },
  });

export const creditPayment = (tenantId: string, paymentId: string, product: string, amount: number, timestamp: string) =>
  dodoEvent("payment.succeeded", timestamp, {
    payload_type: "Payment",
    payment_id: paymentId,
    status: "succeeded",
    total_amount: amount,
    currency: "USD",
    customer: { customer_id: `cus_${tenantId}`, email: "owner@example.com" },
    metadata: { tenantId },
    product_cart: [{ product_id: product, quantity: 1 }],
  });

export const refundEvent = (tenantId: string, refundId: string, paymentId: string, amount: number, timestamp: string) =>
  dodoEvent("refund.succeeded", timestamp, {
    payload_type: "Refund",
    refund_id: refundId,
    payment_id: paymentId,
    amount,
    currency: "USD",
    status: "succeeded",
    customer: { customer_id: `cus_${tenantId}` },
    metadata: { tenantId },
  });

/** POSTs a delivery to the real route handler, signed with `secret` unless headers are given; returns the status. */
export async function deliverWebhook(
  d: Delivery,
  opts: { secret?: string; timestamp?: Date; body?: string; headers?: Record<string, string> } = {},
): Promise<number> {
  const secret = opts.secret ?? process.env.DODO_PAYMENTS_WEBHOOK_KEY;
  if (!opts.headers && !secret) throw new Error("deliverWebhook: set DODO_PAYMENTS_WEBHOOK_KEY or pass a secret");
  const headers = opts.headers ?? signWebhook(d.body, { secret: secret!, id: d.id, timestamp: opts.timestamp });
  const res = await POST(
    new Request("http://localhost/api/webhooks/dodo", {
      method: "POST",
      body: opts.body ?? d.body,
      headers: { "content-type": "application/json", ...headers },
    }),
  );
  return res.status;
}

export async function newBareTenant(): Promise<string> {
  const slug = `t-${randomUUID().slice(0, 12)}`;
  return (await prisma.tenant.create({ data: { name: slug, slug } })).id;
}

export const creditBalance = async (tenantId: string) =>
  (await prisma.tenantCreditLedger.aggregate({ where: { tenantId }, _sum: { amount: true } }))._sum.amount ?? 0;

/** A seeded PRNG, so a failing storm can be replayed. */
export function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Two local runners in parallel until no job is open. When only future jobs remain (backoffs, billing
 * timers), the runners' clock jumps a day; `maxSkewDays` bounds that.
 */
export async function runTwoRunners(opts: { maxSkewDays?: number; maxIterations?: number } = {}): Promise<{ skewDays: number }> {
  let skewDays = 0;
  const maxSkewDays = opts.maxSkewDays ?? 60;
  const worker = async (workerId: string) => {
    for (let i = 0; i < (opts.maxIterations ?? 50_000); i++) {
      const result = await runOnce({ db: prisma, jobs, workerId, now: new Date(Date.now() + skewDays * DAY_MS), leaseMs: 20 * DAY_MS, random: () => 0 });
      if (result) continue;
      const open = await prisma.job.count({ where: { status: { in: ["queued", "retrying", "running"] } } });
      if (open === 0) return;
      if ((await prisma.job.count({ where: { status: "running" } })) === 0) {
        if (skewDays >= maxSkewDays) throw new Error(`runners: jobs still open after the clock moved ${skewDays} days`);
        skewDays += 1;
      }
      await sleep(10);
    }
    throw new Error("runners did not finish");
  };
  await Promise.all([worker("runner-a"), worker("runner-b")]);
  return { skewDays };
}
