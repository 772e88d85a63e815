/**
 * The Dodo webhook inbox end to end: the real route handler with Standard Webhooks-signed deliveries,
 * the inbox table, the billing.process-webhook job run by the local runner, the subscription record, the
 * tenant's billing state and the credit ledger.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";

// src/env.ts parses process.env when first imported: configure Dodo (no calls are made to it here) before
// any app module loads, so deliveries are attributed to "dodo" as in production.
vi.hoisted(() => {
  process.env.DODO_PAYMENTS_API_KEY = "test-key-never-sent";
  process.env.DODO_PAYMENTS_WEBHOOK_KEY = "whsec_dGVzdC13ZWJob29rLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm";
  process.env.DODO_PRODUCT_PRO_MONTHLY = "prod_pro_monthly";
  process.env.DODO_PRODUCT_CREDITS_1K = "prod_credits_1k";
  process.env.DODO_PRODUCT_CREDITS_5K = "prod_credits_5k";
});

import { prisma } from "@/server/db/client";
import { processWebhookEvent } from "@/server/domain/billing/process-webhook";
import { generateWebhookSecret, signWebhook } from "@/server/providers/payments/webhook-signature";
import {
  creditBalance as balance,
  creditPayment,
  deliverWebhook as deliver,
  dodoEvent as event,
  newBareTenant as newTenant,
  refundEvent as refund,
  subscriptionEvent as subscription,
} from "../helpers/dodo-webhooks";
import { drainJobs } from "../helpers/jobs";
import { DAY_MS } from "@/lib/time";

const SECRET = process.env.DODO_PAYMENTS_WEBHOOK_KEY!;
const T0 = Date.now() - DAY_MS;
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

const inboxCount = () => prisma.billingPaymentEvent.count();
const processJobs = () => prisma.job.count({ where: { name: "billing.process-webhook" } });

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
    // Folded in where it belongs in provider time: between active and renewed, it changes nothing now.
    expect(stale.note).toMatch(/no change \(active\)/);
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
    expect(entries[0]).toMatchObject({ kind: "purchase", amount: 5_000, reference: paymentId, expiresAt: new Date(Date.parse(at(60)) + 365 * DAY_MS) });
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
    expect(await prisma.tenantCreditLedger.findMany({ where: { tenantId, kind: "refund" } })).toMatchObject([{ amount: -1_000, reference: refundId, lotId: purchase.id }]);
    expect(await balance(tenantId)).toBe(0);
    expect(await prisma.billingOneTimePayment.findUniqueOrThrow({ where: { providerPaymentId: paymentId } })).toMatchObject({ status: "refunded" });
  });

  it("a refund that arrives before its payment waits for it and is applied when the payment is", async () => {
    const tenantId = await newTenant();
    const paymentId = `pay_${randomUUID()}`;
    const r = refund(tenantId, `ref_${randomUUID()}`, paymentId, 1_000, at(85));
    expect(await deliver(r)).toBe(200);
    const row = await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { providerEventId: r.id } });
    expect(await processWebhookEvent(prisma, row.id)).toMatchObject({ status: "waiting", waitingFor: [`payment:${paymentId}`] });
    expect(await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "waiting", attempts: 1, lastError: null });
    expect(await deliver(creditPayment(tenantId, paymentId, "prod_credits_1k", 1_000, at(84)))).toBe(200);
    // No clock moved: processing the payment woke the refund.
    await drainJobs(prisma);
    expect(await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "processed", lastError: null, waitingFor: [] });
    expect(await balance(tenantId)).toBe(0);
  });

  it("marks unknown event types ignored", async () => {
    const d = event("license_key.created", at(90), { id: "lk_1" });
    expect(await deliver(d)).toBe(200);
    await drainJobs(prisma);
    expect(await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { providerEventId: d.id } })).toMatchObject({ status: "ignored" });
  });
});

// Every event type the inbox handles, as a signed fixture through the route, from an active Pro subscription.
describe("each handled event type", () => {
  const cases: { type: string; extra?: Record<string, unknown>; state: string; badge: string }[] = [
    { type: "subscription.active", state: "active", badge: "active" },
    { type: "subscription.renewed", state: "active", badge: "active" },
    { type: "subscription.on_hold", state: "on_hold", badge: "past_due" },
    { type: "subscription.past_due", state: "past_due", badge: "past_due" },
    { type: "subscription.paused", state: "on_hold", badge: "past_due" },
    { type: "subscription.cancelled", state: "canceled", badge: "canceled" },
    { type: "subscription.expired", state: "expired", badge: "canceled" },
    { type: "subscription.failed", state: "active", badge: "active" }, // not expected once active: ignored, logged
    { type: "subscription.updated", extra: { status: "active", cancel_at_next_billing_date: true }, state: "canceled", badge: "canceled" },
    { type: "subscription.plan_changed", extra: { status: "active" }, state: "active", badge: "active" },
    { type: "payment.failed", state: "past_due", badge: "past_due" },
    { type: "payment.succeeded", state: "active", badge: "active" },
  ];

  it.each(cases)("$type -> $state", async ({ type, extra, state, badge }) => {
    const tenantId = await newTenant();
    expect(await deliver(subscription("subscription.active", tenantId, at(100)))).toBe(200);
    await drainJobs(prisma);
    const d =
      type === "payment.failed" || type === "payment.succeeded"
        ? event(type, at(101), {
            payload_type: "Payment",
            payment_id: `pay_${randomUUID()}`,
            subscription_id: `sub_${tenantId}`,
            status: type === "payment.failed" ? "failed" : "succeeded",
            total_amount: 2_900,
            currency: "USD",
            customer: { customer_id: `cus_${tenantId}` },
            metadata: { tenantId },
          })
        : subscription(type, tenantId, at(101), extra);
    expect(await deliver(d)).toBe(200);
    await drainJobs(prisma);
    const row = await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { providerEventId: d.id } });
    expect(row.status).toBe("processed");
    if (type === "subscription.failed") expect(row.note).toMatch(/no change \(active\)/);
    expect(await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId } })).toMatchObject({ state });
    expect(await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).toMatchObject({ billingState: badge });
  });

  it("refund.succeeded of a subscription payment buys back no credits and is marked ignored", async () => {
    const tenantId = await newTenant();
    const paymentId = `pay_${randomUUID()}`;
    const paid = event("payment.succeeded", at(110), { payment_id: paymentId, subscription_id: `sub_${tenantId}`, total_amount: 2_900, currency: "USD", metadata: { tenantId } });
    expect(await deliver(subscription("subscription.active", tenantId, at(109)))).toBe(200);
    expect(await deliver(paid)).toBe(200);
    await drainJobs(prisma);
    const r = refund(tenantId, `ref_${randomUUID()}`, paymentId, 2_900, at(111));
    expect(await deliver(r)).toBe(200);
    await drainJobs(prisma);
    expect(await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { providerEventId: r.id } })).toMatchObject({ status: "ignored" });
    expect(await balance(tenantId)).toBe(0);
  });
});
