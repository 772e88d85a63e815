/**
 * The Dodo webhook inbox end to end: the real route handler with Standard Webhooks-signed deliveries,
 * the inbox table, the billing.process-webhook job run by the local runner, the subscription record, the
 * tenant's billing state and the credit ledger.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";

// src/env.ts parses process.env when first imported: set the secret and product ids before any app module loads.
vi.hoisted(() => {
  process.env.DODO_PAYMENTS_WEBHOOK_KEY = "whsec_dGVzdC13ZWJob29rLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm";
  process.env.DODO_PRODUCT_PRO_MONTHLY = "prod_pro_monthly";
  process.env.DODO_PRODUCT_CREDITS_1K = "prod_credits_1k";
  process.env.DODO_PRODUCT_CREDITS_5K = "prod_credits_5k";
});

import { POST } from "@/app/api/webhooks/dodo/route";
import { prisma } from "@/server/db/client";
import { processWebhookEvent } from "@/server/domain/billing/process-webhook";
import { runOnce } from "@/server/domain/jobs";
import { generateWebhookSecret, signWebhook } from "@/server/providers/payments/webhook-signature";
import { drainJobs } from "../helpers/jobs";

const SECRET = process.env.DODO_PAYMENTS_WEBHOOK_KEY!;
const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.now() - DAY;
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

interface Delivery {
  id: string;
  body: string;
}

function event(type: string, timestamp: string, data: Record<string, unknown>): Delivery {
  return { id: `msg_${randomUUID()}`, body: JSON.stringify({ business_id: "bus_test", type, timestamp, data }) };
}

const subscription = (type: string, tenantId: string, timestamp: string, extra: Record<string, unknown> = {}) =>
  event(type, timestamp, {
    subscription_id: `sub_${tenantId}`,
    status: type.split(".")[1],
    product_id: "prod_pro_monthly",
    quantity: 1,
    customer: { customer_id: `cus_${tenantId}`, email: "owner@example.com" },
    metadata: { tenantId },
    next_billing_date: new Date(Date.parse(timestamp) + 30 * DAY).toISOString(),
    previous_billing_date: timestamp,
    cancel_at_next_billing_date: false,
    ...extra,
  });

const creditPayment = (tenantId: string, paymentId: string, product: string, amount: number, timestamp: string) =>
  event("payment.succeeded", timestamp, {
    payment_id: paymentId,
    status: "succeeded",
    total_amount: amount,
    currency: "USD",
    customer: { customer_id: `cus_${tenantId}`, email: "owner@example.com" },
    metadata: { tenantId },
    product_cart: [{ product_id: product, quantity: 1 }],
  });

const refund = (tenantId: string, refundId: string, paymentId: string, amount: number, timestamp: string) =>
  event("refund.succeeded", timestamp, {
    refund_id: refundId,
    payment_id: paymentId,
    amount,
    currency: "USD",
    status: "succeeded",
    customer: { customer_id: `cus_${tenantId}` },
    metadata: { tenantId },
  });

async function deliver(d: Delivery, opts: { secret?: string; timestamp?: Date; body?: string; headers?: Record<string, string> } = {}) {
  const headers = opts.headers ?? signWebhook(d.body, { secret: opts.secret ?? SECRET, id: d.id, timestamp: opts.timestamp });
  const res = await POST(
    new Request("http://localhost/api/webhooks/dodo", { method: "POST", body: opts.body ?? d.body, headers: { "content-type": "application/json", ...headers } }),
  );
  return res.status;
}

async function newTenant(): Promise<string> {
  const slug = `t-${randomUUID().slice(0, 12)}`;
  return (await prisma.tenant.create({ data: { name: slug, slug } })).id;
}

const inboxCount = () => prisma.billingPaymentEvent.count();
const processJobs = () => prisma.job.count({ where: { name: "billing.process-webhook" } });
const balance = async (tenantId: string) => (await prisma.tenantCreditLedger.aggregate({ where: { tenantId }, _sum: { amount: true } }))._sum.amount ?? 0;

describe("POST /api/webhooks/dodo", () => {
  it("stores a valid event, queues it and processing applies it", async () => {
    const tenantId = await newTenant();
    const d = subscription("subscription.active", tenantId, at(0));
    expect(await deliver(d)).toBe(200);
    const row = await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { providerEventId: d.id } });
    expect(row).toMatchObject({ type: "subscription.active", status: "received", tenantId: null });
    expect(await prisma.job.findUnique({ where: { idempotencyKey: row.id } })).toMatchObject({ name: "billing.process-webhook", payload: { eventId: row.id } });

    await drainJobs(prisma);
    expect(await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "processed", tenantId, attempts: 1 });
    expect(await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId } })).toMatchObject({
      state: "active",
      planId: "pro",
      interval: "monthly",
      providerSubscriptionId: `sub_${tenantId}`,
      lastEventAt: new Date(at(0)),
    });
    expect(await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).toMatchObject({ billingState: "active", plan: "pro" });
    expect(await prisma.billingCustomer.findUnique({ where: { tenantId_provider: { tenantId, provider: "dodo" } } })).toMatchObject({ providerCustomerId: `cus_${tenantId}` });
  });

  it("answers a duplicate webhook-id with 200 and stores and processes it once", async () => {
    const tenantId = await newTenant();
    const d = creditPayment(tenantId, `pay_${randomUUID()}`, "prod_credits_1k", 1_000, at(1));
    const before = await processJobs();
    expect(await deliver(d)).toBe(200);
    expect(await deliver(d)).toBe(200);
    await drainJobs(prisma);
    expect(await deliver(d)).toBe(200);
    await drainJobs(prisma);
    expect(await prisma.billingPaymentEvent.count({ where: { providerEventId: d.id } })).toBe(1);
    expect((await processJobs()) - before).toBe(1);
    expect(await prisma.tenantCreditLedger.count({ where: { tenantId } })).toBe(1);
    expect(await balance(tenantId)).toBe(1_000);
  });

  it("refuses tampered, wrongly signed, stale and unsigned deliveries with 401 and stores nothing", async () => {
    const tenantId = await newTenant();
    const d = subscription("subscription.active", tenantId, at(2));
    const [events, jobs] = [await inboxCount(), await processJobs()];
    expect(await deliver(d, { body: d.body.replace("subscription.active", "subscription.expired") })).toBe(401);
    expect(await deliver(d, { secret: generateWebhookSecret() })).toBe(401);
    expect(await deliver(d, { timestamp: new Date(Date.now() - 10 * 60_000) })).toBe(401);
    expect(await deliver(d, { headers: {} })).toBe(401);
    const signed = signWebhook(d.body, { secret: SECRET, id: d.id });
    expect(await deliver(d, { headers: { "webhook-id": signed["webhook-id"], "webhook-timestamp": signed["webhook-timestamp"] } })).toBe(401);
    expect(await deliver(d, { headers: { ...signed, "webhook-id": "msg_other" } })).toBe(401);
    expect(await inboxCount()).toBe(events);
    expect(await processJobs()).toBe(jobs);
  });

  it("never moves a subscription backwards: renewed, then an older past_due, ends active", async () => {
    const tenantId = await newTenant();
    expect(await deliver(subscription("subscription.active", tenantId, at(10)))).toBe(200);
    await drainJobs(prisma);
    const renewed = subscription("subscription.renewed", tenantId, at(40));
    const olderPastDue = subscription("subscription.past_due", tenantId, at(20));
    expect(await deliver(renewed)).toBe(200);
    await drainJobs(prisma);
    expect(await deliver(olderPastDue)).toBe(200);
    await drainJobs(prisma);
    expect(await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId } })).toMatchObject({ state: "active", lastEventAt: new Date(at(40)), graceEndsAt: null });
    expect(await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).toMatchObject({ billingState: "active", graceEndsAt: null });
    const stale = await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { providerEventId: olderPastDue.id } });
    expect(stale.status).toBe("processed");
    expect(stale.note).toMatch(/^stale/);
  });

  it("moves to past_due with a grace period and notes the transition", async () => {
    const tenantId = await newTenant();
    expect(await deliver(subscription("subscription.active", tenantId, at(50)))).toBe(200);
    const failed = subscription("subscription.past_due", tenantId, at(51));
    expect(await deliver(failed)).toBe(200);
    await drainJobs(prisma);
    const tenant = await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    expect(tenant.billingState).toBe("past_due");
    expect(tenant.graceEndsAt).not.toBeNull();
    const row = await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { providerEventId: failed.id } });
    expect(row.note).toMatch(/^(active|trial) -> past_due$/);
  });

  it("credits a credit pack once when delivered 3x concurrently and sent again under a new webhook-id", async () => {
    const tenantId = await newTenant();
    const paymentId = `pay_${randomUUID()}`;
    const d = creditPayment(tenantId, paymentId, "prod_credits_5k", 4_500, at(60));
    expect(await Promise.all([deliver(d), deliver(d), deliver(d)])).toEqual([200, 200, 200]);
    const again = { ...d, id: `msg_${randomUUID()}` };
    expect(await deliver(again)).toBe(200);
    await Promise.all([drainJobs(prisma), drainJobs(prisma)]);
    // A job retried after it had already committed (a crash before the runner recorded success).
    const row = await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { providerEventId: again.id } });
    await prisma.billingPaymentEvent.update({ where: { id: row.id }, data: { status: "failed" } });
    await processWebhookEvent(prisma, row.id);

    const entries = await prisma.tenantCreditLedger.findMany({ where: { tenantId } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: "purchase", amount: 5_000, reference: paymentId, expiresAt: new Date(Date.parse(at(60)) + 365 * DAY) });
    expect(await prisma.billingOneTimePayment.findMany({ where: { tenantId } })).toMatchObject([{ providerPaymentId: paymentId, amountMinor: 4_500, status: "succeeded", productId: "prod_credits_5k" }]);
    expect(await prisma.billingPaymentEvent.count({ where: { providerEventId: d.id } })).toBe(1);
  });

  it("a refund appends a negative entry and leaves the purchase entry as it was", async () => {
    const tenantId = await newTenant();
    const paymentId = `pay_${randomUUID()}`;
    expect(await deliver(creditPayment(tenantId, paymentId, "prod_credits_1k", 1_000, at(70)))).toBe(200);
    await drainJobs(prisma);
    const purchase = await prisma.tenantCreditLedger.findFirstOrThrow({ where: { tenantId, kind: "purchase" } });
    const refundId = `ref_${randomUUID()}`;
    const r = refund(tenantId, refundId, paymentId, 1_000, at(80));
    expect(await deliver(r)).toBe(200);
    expect(await deliver({ ...r, id: `msg_${randomUUID()}` })).toBe(200);
    await drainJobs(prisma);
    expect(await prisma.tenantCreditLedger.findFirstOrThrow({ where: { id: purchase.id } })).toEqual(purchase);
    expect(await prisma.tenantCreditLedger.findMany({ where: { tenantId, kind: "refund" } })).toMatchObject([{ amount: -1_000, reference: refundId }]);
    expect(await balance(tenantId)).toBe(0);
    expect(await prisma.billingOneTimePayment.findUniqueOrThrow({ where: { providerPaymentId: paymentId } })).toMatchObject({ status: "refunded" });
  });

  it("a refund that arrives before its payment is retried, not lost", async () => {
    const tenantId = await newTenant();
    const paymentId = `pay_${randomUUID()}`;
    const r = refund(tenantId, `ref_${randomUUID()}`, paymentId, 1_000, at(85));
    expect(await deliver(r)).toBe(200);
    const row = await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { providerEventId: r.id } });
    await expect(processWebhookEvent(prisma, row.id)).rejects.toThrow(/before the payment/);
    expect(await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "failed", attempts: 1 });
    expect(await deliver(creditPayment(tenantId, paymentId, "prod_credits_1k", 1_000, at(84)))).toBe(200);
    // The refund's own job may run before the payment's and back off again: move the clock past it.
    await drainJobs(prisma, { now: new Date(Date.now() + DAY) });
    await drainJobs(prisma, { now: new Date(Date.now() + 2 * DAY) });
    expect(await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "processed", lastError: null });
    expect(await balance(tenantId)).toBe(0);
  });

  it("marks unknown event types ignored", async () => {
    const d = event("license_key.created", at(90), { id: "lk_1" });
    expect(await deliver(d)).toBe(200);
    await drainJobs(prisma);
    expect(await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { providerEventId: d.id } })).toMatchObject({ status: "ignored" });
  });
});

// ---------- a mini storm ----------

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Two local runners in parallel until the queue is empty; the clock jumps a day when only backoffs remain. */
async function runTwoRunners() {
  let skewDays = 0;
  const worker = async (workerId: string) => {
    for (let i = 0; i < 5_000; i++) {
      const result = await runOnce({ db: prisma, workerId, now: new Date(Date.now() + skewDays * DAY), leaseMs: 20 * DAY, random: () => 0 });
      if (result) continue;
      const open = await prisma.job.count({ where: { status: { in: ["queued", "retrying", "running"] } } });
      if (open === 0) return;
      if ((await prisma.job.count({ where: { status: "running" } })) === 0) skewDays += 1;
      await sleep(10);
    }
    throw new Error("runners did not finish");
  };
  await Promise.all([worker("storm-a"), worker("storm-b")]);
}

describe("storm", () => {
  it("300 shuffled deliveries for 10 tenants with ~30% duplicates end in the expected states and ledgers", { timeout: 120_000 }, async () => {
    const random = mulberry32(42);
    const unique: Delivery[] = [];
    const expected = new Map<string, { state: string; tenantState: string; credits: number }>();
    for (let t = 0; t < 10; t++) {
      const tenantId = await newTenant();
      const base = 1_000 + t * 100;
      // 15 subscription events in time order; the latest decides: renewed -> active, on_hold -> on_hold.
      const kinds = ["subscription.active", "subscription.renewed", "subscription.past_due", "subscription.on_hold", "payment.failed", "payment.succeeded"];
      for (let i = 0; i < 15; i++) {
        const type = kinds[Math.floor(random() * kinds.length)]!;
        const timestamp = at(base + i);
        unique.push(
          type.startsWith("payment.")
            ? event(type, timestamp, { payment_id: `pay_sub_${t}_${i}`, subscription_id: `sub_${tenantId}`, total_amount: 2_900, currency: "USD", metadata: { tenantId } })
            : subscription(type, tenantId, timestamp),
        );
      }
      const last = t % 2 === 0 ? "subscription.renewed" : "subscription.on_hold";
      unique.push(subscription(last, tenantId, at(base + 15)));
      // Three credit packs, one payment sent again under a new webhook-id, the first pack refunded.
      const pays = [
        creditPayment(tenantId, `pay_${t}_a`, "prod_credits_1k", 1_000, at(base + 20)),
        creditPayment(tenantId, `pay_${t}_b`, "prod_credits_5k", 4_500, at(base + 21)),
        creditPayment(tenantId, `pay_${t}_c`, "prod_credits_1k", 1_000, at(base + 22)),
      ];
      unique.push(...pays, { ...pays[1]!, id: `msg_${randomUUID()}` }, refund(tenantId, `ref_${t}`, `pay_${t}_a`, 1_000, at(base + 30)));
      expected.set(tenantId, t % 2 === 0 ? { state: "active", tenantState: "active", credits: 6_000 } : { state: "on_hold", tenantState: "past_due", credits: 6_000 });
    }
    expect(unique).toHaveLength(210);
    const deliveries = [...unique];
    while (deliveries.length < 300) deliveries.push(unique[Math.floor(random() * unique.length)]!);
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }

    const eventsBefore = await inboxCount();
    for (let i = 0; i < deliveries.length; i += 25) {
      const statuses = await Promise.all(deliveries.slice(i, i + 25).map((d) => deliver(d)));
      expect(statuses.every((s) => s === 200)).toBe(true);
    }
    expect((await inboxCount()) - eventsBefore).toBe(210);
    await runTwoRunners();

    expect(await prisma.job.count({ where: { name: "billing.process-webhook", status: { not: "succeeded" } } })).toBe(0);
    const ids = unique.map((d) => d.id);
    expect(await prisma.billingPaymentEvent.count({ where: { providerEventId: { in: ids }, status: { notIn: ["processed", "ignored"] } } })).toBe(0);
    for (const [tenantId, want] of expected) {
      expect(await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId } })).toMatchObject({ state: want.state });
      expect(await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).toMatchObject({ billingState: want.tenantState });
      expect(await balance(tenantId)).toBe(want.credits);
      expect(await prisma.tenantCreditLedger.count({ where: { tenantId, kind: "purchase" } })).toBe(3);
      expect(await prisma.tenantCreditLedger.count({ where: { tenantId, kind: "refund" } })).toBe(1);
      expect(await prisma.billingOneTimePayment.count({ where: { tenantId } })).toBe(3);
    }
  });
});
