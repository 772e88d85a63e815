/**
 * The local payment simulator end to end: the provider stores sessions, customers and subscriptions in
 * payment_simulator_objects; simulator operations queue payments-simulator.deliver jobs; the local runner
 * signs each event and POSTs it over real HTTP to a node:http server on 127.0.0.1 that hands the request to
 * the app's own /api/webhooks/dodo route; the route stores it and billing.process-webhook applies it to the
 * tenant, its subscription record and the credit ledger.
 */
import { execFile } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DAY_MS } from "@/lib/time";

// src/env.ts parses process.env when first imported: fix the webhook secret and make sure the
// simulator's product ids (sim_*) are in use before any app module loads.
vi.hoisted(() => {
  process.env.DODO_PAYMENTS_WEBHOOK_KEY = "whsec_c2ltdWxhdG9yLXRlc3Qtc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY=";
  for (const key of Object.keys(process.env)) if (key.startsWith("DODO_PRODUCT_") || key === "DODO_PAYMENTS_API_KEY") delete process.env[key];
});

import { POST } from "@/app/api/webhooks/dodo/route";
import { prisma } from "@/server/db/client";
import { completeCheckout, getCheckoutView } from "@/server/providers/payments/simulator/checkout";
import type { SimulatorContext } from "@/server/providers/payments/simulator/context";
import { SimulatorError } from "@/server/providers/payments/simulator/errors";
import { getPortalView, runPortalOperation } from "@/server/providers/payments/simulator/portal";
import { findTenantSimulatorRecords } from "@/server/providers/payments/simulator/simulate-cli";
import { refundPayment } from "@/server/providers/payments/simulator/refunds";
import { failRenewal, renewNow, setCancelAtPeriodEnd, updateCardAndPay } from "@/server/providers/payments/simulator/subscriptions";
import { creditPackProductId, productIdFor } from "@/server/domain/plans/plans";
import { findObject } from "@/server/providers/payments/simulator/objects";
import { createSimulatorPaymentProvider } from "@/server/providers/payments/simulator/provider";
import { PaymentProviderError, type PaymentProvider } from "@/server/providers/payments/types";
import { drainJobs } from "../helpers/jobs";

type Mode = "forward" | "refuse" | "lose-response";

let server: http.Server;
let appUrl: string;
let ctx: SimulatorContext;
let provider: PaymentProvider;
/** What the endpoint does with the next requests (then "forward"). */
let modes: Mode[] = [];
let received: { webhookId: string; timestamp: string; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ webhookId: String(req.headers["webhook-id"]), timestamp: String(req.headers["webhook-timestamp"]), body });
      const mode = modes.shift() ?? "forward";
      if (mode === "refuse") {
        res.writeHead(500).end("simulated outage");
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));
      const answer = await POST(new Request(`${appUrl}${req.url}`, { method: "POST", headers, body }));
      // lose-response: the app stored the event but the answer never reaches the sender.
      res.writeHead(mode === "lose-response" ? 502 : answer.status, { "content-type": "application/json" }).end(await answer.text());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ctx = { db: prisma, appUrl };
  provider = createSimulatorPaymentProvider({ db: prisma, appUrl });
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  modes = [];
  received = [];
});

const PRO_MONTHLY = productIdFor("pro", "monthly")!;
const CREDITS_1K = creditPackProductId("credits-1k")!;
const later = (ms: number) => new Date(Date.now() + ms);

async function newTenant() {
  const slug = `t-${randomUUID().slice(0, 12)}`;
  const tenant = await prisma.tenant.create({ data: { name: slug, slug } });
  const { customerId } = await provider.createCustomer({ email: `${slug}@example.com`, name: slug, metadata: { tenantId: tenant.id } });
  return { tenantId: tenant.id, customerId, slug };
}

async function checkout(tenant: { tenantId: string; customerId: string; slug: string }, kind: "subscription" | "topup", productId: string, quantity = 1) {
  return provider.createCheckout({
    kind,
    productId,
    quantity,
    customer: { customerId: tenant.customerId },
    returnUrl: `${appUrl}/settings/billing`,
    metadata: { tenantId: tenant.tenantId, checkoutId: randomUUID() },
  });
}

/** Checkout, payment and every webhook delivered and processed: the tenant on pro monthly. */
async function subscribedTenant() {
  const tenant = await newTenant();
  const session = await checkout(tenant, "subscription", PRO_MONTHLY);
  const paid = await completeCheckout(ctx, session.sessionId, "pay");
  await drainJobs(prisma);
  return { ...tenant, subscriptionId: paid.subscriptionId!, paymentId: paid.paymentId };
}

const inbox = (tenantId: string) => prisma.billingPaymentEvent.findMany({ where: { tenantId }, orderBy: { receivedAt: "asc" } });
const balance = async (tenantId: string) => (await prisma.tenantCreditLedger.aggregate({ where: { tenantId }, _sum: { amount: true } }))._sum.amount ?? 0;
const deliveryJobs = () => prisma.job.findMany({ where: { name: "payments-simulator.deliver" } });

describe("checkout -> payment -> signed webhooks over HTTP -> billing", () => {
  it("pays a pro subscription: the tenant is active on pro with a subscription record", async () => {
    const { tenantId, subscriptionId, paymentId, customerId } = await subscribedTenant();

    expect(await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).toMatchObject({ plan: "pro", billingState: "active" });
    const record = await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId } });
    expect(record).toMatchObject({ providerSubscriptionId: subscriptionId, state: "active", planId: "pro", interval: "monthly", productId: PRO_MONTHLY });
    const events = await inbox(tenantId);
    expect(events.map((e) => [e.type, e.status])).toEqual([
      ["payment.succeeded", "processed"],
      ["subscription.active", "processed"],
    ]);
    // The bodies are Dodo's: envelope, payload_type, metadata from the checkout on every object.
    const [payment, subscription] = events.map((e) => e.payload as { business_id: string; data: Record<string, unknown> });
    expect(payment).toMatchObject({
      business_id: "bus_simulator",
      data: { payload_type: "Payment", payment_id: paymentId, subscription_id: subscriptionId, status: "succeeded", total_amount: 2_900, currency: "USD", customer: { customer_id: customerId }, metadata: { tenantId } },
    });
    expect(subscription).toMatchObject({
      data: { payload_type: "Subscription", subscription_id: subscriptionId, status: "active", product_id: PRO_MONTHLY, quantity: 1, cancel_at_next_billing_date: false, metadata: { tenantId } },
    });
    // One month ahead (from the subscription's start, with calendar months).
    const nextBilling = new Date(subscription!.data.next_billing_date as string);
    expect(record.periodEnd).toEqual(nextBilling);
    expect(nextBilling.getTime() - Date.now()).toBeGreaterThan(27 * DAY_MS);
    expect(nextBilling.getTime() - Date.now()).toBeLessThan(32 * DAY_MS);
    // Every delivery was signed with a fresh timestamp and reached the endpoint once.
    expect(received).toHaveLength(2);
    expect(new Set(received.map((r) => r.webhookId)).size).toBe(2);
    for (const r of received) expect(Math.abs(Number(r.timestamp) - Date.now() / 1000)).toBeLessThan(60);
  });

  it("credits a top-up once although the first delivery's answer was lost and it was delivered again", async () => {
    const tenant = await newTenant();
    const session = await checkout(tenant, "topup", CREDITS_1K, 2);
    const paid = await completeCheckout(ctx, session.sessionId, "pay");
    expect(paid.subscriptionId).toBeNull();
    modes = ["lose-response"];
    const first = await drainJobs(prisma);
    expect(first.find((r) => r.name === "payments-simulator.deliver")).toMatchObject({ status: "retrying", error: expect.stringContaining("answered 502") });
    await drainJobs(prisma, { now: later(60_000) });

    expect(received.map((r) => r.webhookId)).toEqual([received[0]!.webhookId, received[0]!.webhookId]);
    const [event] = await inbox(tenant.tenantId);
    expect(event).toMatchObject({ type: "payment.succeeded", status: "processed" });
    expect(event!.payload).toMatchObject({ data: { subscription_id: null, product_cart: [{ product_id: CREDITS_1K, quantity: 2 }], total_amount: 2_000 } });
    expect(await prisma.tenantCreditLedger.count({ where: { tenantId: tenant.tenantId } })).toBe(1);
    expect(await balance(tenant.tenantId)).toBe(2_000);
    expect((await deliveryJobs()).filter((j) => j.status === "succeeded" && j.attempts === 2)).toHaveLength(1);
  });

  it("retries a delivery the endpoint refuses with 500 until it lands, once", async () => {
    const tenant = await newTenant();
    const session = await checkout(tenant, "topup", CREDITS_1K);
    await completeCheckout(ctx, session.sessionId, "pay");
    modes = ["refuse", "refuse"];
    await drainJobs(prisma);
    expect(await inbox(tenant.tenantId)).toHaveLength(0);
    await drainJobs(prisma, { now: later(60_000) });
    expect(await inbox(tenant.tenantId)).toHaveLength(0);
    await drainJobs(prisma, { now: later(5 * 60_000) });

    expect(received).toHaveLength(3);
    expect(await prisma.billingPaymentEvent.count({ where: { providerEventId: received[0]!.webhookId } })).toBe(1);
    expect(await balance(tenant.tenantId)).toBe(1_000);
  });

  it("a declined card sends payment.failed, changes nothing for the tenant and leaves the session open for another card", async () => {
    const tenant = await newTenant();
    const session = await checkout(tenant, "subscription", PRO_MONTHLY);
    const declined = await completeCheckout(ctx, session.sessionId, "decline");
    expect(declined).toMatchObject({ result: "failed", subscriptionId: null });
    expect(new URL(declined.redirectUrl).searchParams.get("checkout")).toBe("failed");
    expect(new URL(declined.redirectUrl).searchParams.get("session_id")).toBe(session.sessionId);
    await drainJobs(prisma);

    // Stored, and left alone: a failed one-time payment concerns no subscription and no credits.
    const event = await prisma.billingPaymentEvent.findUnique({ where: { providerEventId: received[0]!.webhookId } });
    expect(event).toMatchObject({ type: "payment.failed", status: "ignored" });
    expect(event!.payload).toMatchObject({ data: { status: "failed", card_last_four: "0002", subscription_id: null, metadata: { tenantId: tenant.tenantId } } });
    expect(await prisma.tenant.findUniqueOrThrow({ where: { id: tenant.tenantId } })).toMatchObject({ plan: "starter", billingState: "trial" });
    expect(await prisma.billingTenantSubscription.findUnique({ where: { tenantId: tenant.tenantId } })).toBeNull();
    expect(await prisma.paymentSimulatorObject.count({ where: { kind: "subscription", data: { path: ["customer_id"], equals: tenant.customerId } } })).toBe(0);

    const paid = await completeCheckout(ctx, session.sessionId, "pay");
    expect(new URL(paid.redirectUrl).searchParams.get("checkout")).toBe("succeeded");
    await drainJobs(prisma);
    expect(await prisma.tenant.findUniqueOrThrow({ where: { id: tenant.tenantId } })).toMatchObject({ plan: "pro", billingState: "active" });
  });

  it("a failed renewal puts the tenant past_due with a grace period; a new card and payment make it active again", async () => {
    const { tenantId, subscriptionId } = await subscribedTenant();
    const before = await findObject(prisma, "subscription", subscriptionId);
    await failRenewal(ctx, subscriptionId);
    await drainJobs(prisma);
    const pastDue = await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    expect(pastDue.billingState).toBe("past_due");
    expect(pastDue.graceEndsAt!.getTime()).toBeGreaterThan(Date.now());
    expect(await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId } })).toMatchObject({ state: "past_due", graceEndsAt: pastDue.graceEndsAt });
    expect((await inbox(tenantId)).slice(-2).map((e) => e.type)).toEqual(["payment.failed", "subscription.past_due"]);

    // Renewing or failing again is not what a past_due subscription can do.
    await expect(renewNow(ctx, subscriptionId)).rejects.toMatchObject({ code: "invalid_state" });

    await updateCardAndPay(ctx, subscriptionId);
    await drainJobs(prisma);
    expect(await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).toMatchObject({ billingState: "active", graceEndsAt: null, plan: "pro" });
    const after = await findObject(prisma, "subscription", subscriptionId);
    expect(after).toMatchObject({ status: "active", previous_billing_date: before!.next_billing_date });
    expect(Date.parse(after!.next_billing_date)).toBeGreaterThan(Date.parse(before!.next_billing_date));
    const recovered = (await inbox(tenantId)).slice(-2);
    expect(recovered.map((e) => e.type)).toEqual(["payment.succeeded", "subscription.active"]);
    expect(recovered[0]!.payload).toMatchObject({ data: { retry_attempt: 1, subscription_id: subscriptionId } });
    await expect(updateCardAndPay(ctx, subscriptionId)).rejects.toMatchObject({ code: "invalid_state" });
  });

  it("renews now: payment.succeeded and subscription.renewed move the period end one month on", async () => {
    const { tenantId, subscriptionId } = await subscribedTenant();
    const before = await findObject(prisma, "subscription", subscriptionId);
    await renewNow(ctx, subscriptionId);
    await drainJobs(prisma);
    const after = await findObject(prisma, "subscription", subscriptionId);
    expect(after!.previous_billing_date).toBe(before!.next_billing_date);
    expect((await inbox(tenantId)).slice(-2).map((e) => [e.type, e.status])).toEqual([
      ["payment.succeeded", "processed"],
      ["subscription.renewed", "processed"],
    ]);
    expect((await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId } })).periodEnd).toEqual(new Date(after!.next_billing_date));
  });

  it("cancels at period end and resumes with subscription.updated", async () => {
    const { tenantId, subscriptionId } = await subscribedTenant();
    expect(await setCancelAtPeriodEnd(ctx, subscriptionId, true)).toEqual({ changed: true });
    expect(await setCancelAtPeriodEnd(ctx, subscriptionId, true)).toEqual({ changed: false });
    await drainJobs(prisma);
    expect(await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId } })).toMatchObject({ state: "canceled", cancelAtPeriodEnd: true });
    await expect(renewNow(ctx, subscriptionId)).rejects.toMatchObject({ code: "invalid_state", message: expect.stringContaining("resume it first") });

    await setCancelAtPeriodEnd(ctx, subscriptionId, false);
    await drainJobs(prisma);
    expect(await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId } })).toMatchObject({ state: "active", cancelAtPeriodEnd: false });
    const updates = (await inbox(tenantId)).filter((e) => e.type === "subscription.updated");
    expect(updates.map((e) => (e.payload as { data: { cancel_at_next_billing_date: boolean } }).data.cancel_at_next_billing_date)).toEqual([true, false]);
  });

  it("a refund of a credit pack reverses its credits with a negative ledger entry", async () => {
    const tenant = await newTenant();
    const session = await checkout(tenant, "topup", CREDITS_1K);
    const { paymentId } = await completeCheckout(ctx, session.sessionId, "pay");
    await drainJobs(prisma);
    expect(await balance(tenant.tenantId)).toBe(1_000);

    const refund = await refundPayment(ctx, paymentId);
    expect(refund.amount).toBe(1_000);
    await drainJobs(prisma);
    const entry = await prisma.tenantCreditLedger.findFirstOrThrow({ where: { tenantId: tenant.tenantId, kind: "refund" } });
    expect(entry).toMatchObject({ amount: -1_000, reference: refund.refundId });
    expect(await balance(tenant.tenantId)).toBe(0);
    const event = (await inbox(tenant.tenantId)).at(-1)!;
    expect(event).toMatchObject({ type: "refund.succeeded", status: "processed" });
    expect(event.payload).toMatchObject({ data: { payload_type: "Refund", refund_id: refund.refundId, payment_id: paymentId, amount: 1_000, is_partial: false } });

    await expect(refundPayment(ctx, paymentId)).rejects.toMatchObject({ code: "invalid_state", message: expect.stringContaining("nothing left to refund") });
  });

  it("partial refunds add up to the payment and no further", async () => {
    const tenant = await newTenant();
    const session = await checkout(tenant, "topup", CREDITS_1K);
    const { paymentId } = await completeCheckout(ctx, session.sessionId, "pay");
    await expect(refundPayment(ctx, paymentId, 0)).rejects.toMatchObject({ code: "invalid_input" });
    await expect(refundPayment(ctx, paymentId, 1_001)).rejects.toMatchObject({ code: "invalid_input", message: expect.stringContaining("from 1 to 1000") });
    await refundPayment(ctx, paymentId, 400);
    await expect(refundPayment(ctx, paymentId, 601)).rejects.toMatchObject({ code: "invalid_input" });
    expect(await refundPayment(ctx, paymentId)).toMatchObject({ amount: 600 });
    expect(await findObject(prisma, "payment", paymentId)).toMatchObject({ refunds: [{ amount: 400 }, { amount: 600 }] });
  });

  it("a declined payment cannot be refunded", async () => {
    const tenant = await newTenant();
    const session = await checkout(tenant, "topup", CREDITS_1K);
    const { paymentId } = await completeCheckout(ctx, session.sessionId, "decline");
    await expect(refundPayment(ctx, paymentId)).rejects.toMatchObject({ code: "invalid_state" });
    await expect(refundPayment(ctx, "pay_unknown")).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("delivery", () => {
  it("sends the latest state: a cancel before delivery shows in the subscription.active body", async () => {
    const tenant = await newTenant();
    const session = await checkout(tenant, "subscription", PRO_MONTHLY);
    const { subscriptionId } = await completeCheckout(ctx, session.sessionId, "pay");
    await setCancelAtPeriodEnd(ctx, subscriptionId!, true);
    await drainJobs(prisma);
    const active = (await inbox(tenant.tenantId)).find((e) => e.type === "subscription.active")!;
    expect(active.payload).toMatchObject({ data: { cancel_at_next_billing_date: true } });
    // The machine reads "active with the cancel flag" as a cancellation at period end.
    expect(await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId: tenant.tenantId } })).toMatchObject({ state: "canceled" });
  });

  it("holds events back by deliveryDelayMs", async () => {
    const tenant = await newTenant();
    const session = await checkout(tenant, "topup", CREDITS_1K);
    await completeCheckout({ ...ctx, deliveryDelayMs: 60_000 }, session.sessionId, "pay");
    await drainJobs(prisma);
    expect(received).toHaveLength(0);
    await drainJobs(prisma, { now: later(61_000) });
    expect(received).toHaveLength(1);
  });

  it("retries when the app cannot be reached, with the reason in the job", async () => {
    const tenant = await newTenant();
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const session = await checkout(tenant, "topup", CREDITS_1K);
    await completeCheckout({ ...ctx, appUrl: deadUrl }, session.sessionId, "pay");
    const [result] = (await drainJobs(prisma)).filter((r) => r.name === "payments-simulator.deliver");
    expect(result).toMatchObject({ status: "retrying", error: expect.stringContaining("could not be reached") });
    await prisma.job.deleteMany({ where: { id: result!.jobId } });
  });

  it("a refused operation queues nothing", async () => {
    const { subscriptionId } = await subscribedTenant();
    const jobs = (await deliveryJobs()).length;
    await expect(updateCardAndPay(ctx, subscriptionId)).rejects.toBeInstanceOf(SimulatorError);
    expect((await deliveryJobs()).length).toBe(jobs);
  });
});

describe("checkout sessions", () => {
  it("returns the same session for the same idempotency key and refuses the key for another checkout", async () => {
    const tenant = await newTenant();
    const input = {
      kind: "subscription" as const,
      productId: PRO_MONTHLY,
      quantity: 1,
      customer: { customerId: tenant.customerId },
      returnUrl: `${appUrl}/settings/billing`,
      metadata: { tenantId: tenant.tenantId },
      idempotencyKey: randomUUID(),
    };
    const first = await provider.createCheckout(input);
    expect(first.sessionId).toMatch(/^cks_[0-9A-Za-z]{22}$/);
    expect(first.checkoutUrl).toBe(`${appUrl}/simulator/checkout/${first.sessionId}`);
    expect(await provider.createCheckout(input)).toEqual(first);
    const other = await provider.createCheckout({ ...input, idempotencyKey: randomUUID() });
    expect(other.sessionId).not.toBe(first.sessionId);
    await expect(provider.createCheckout({ ...input, productId: productIdFor("business", "monthly")! })).rejects.toMatchObject({
      name: "PaymentProviderError",
      retryable: false,
      message: expect.stringContaining("already used for a different checkout"),
    });
  });

  it("refuses to take a second payment for a completed session, and pays nothing for an expired one", async () => {
    const tenant = await newTenant();
    const session = await checkout(tenant, "topup", CREDITS_1K);
    await completeCheckout(ctx, session.sessionId, "pay");
    await expect(completeCheckout(ctx, session.sessionId, "pay")).rejects.toMatchObject({ code: "session_completed", message: expect.stringContaining("already been paid") });
    await expect(completeCheckout(ctx, session.sessionId, "decline")).rejects.toMatchObject({ code: "session_completed" });

    const old = await provider.createCheckout({
      kind: "topup",
      productId: CREDITS_1K,
      quantity: 1,
      customer: { customerId: tenant.customerId },
      returnUrl: `${appUrl}/settings/billing`,
      metadata: { tenantId: tenant.tenantId },
    });
    await expect(completeCheckout({ ...ctx, now: later(DAY_MS + 1) }, old.sessionId, "pay")).rejects.toMatchObject({ code: "session_expired" });
    await expect(completeCheckout(ctx, "cks_unknown", "pay")).rejects.toMatchObject({ code: "not_found" });
  });

  it("creates the customer on payment when the checkout named only an email", async () => {
    const tenantId = (await newTenant()).tenantId;
    const session = await provider.createCheckout({
      kind: "topup",
      productId: CREDITS_1K,
      quantity: 1,
      customer: { email: "buyer@example.com", name: "Buyer" },
      returnUrl: `${appUrl}/settings/billing`,
      metadata: { tenantId },
    });
    const paid = await completeCheckout(ctx, session.sessionId, "pay");
    expect(paid.customerId).toMatch(/^cus_/);
    expect(await findObject(prisma, "customer", paid.customerId)).toMatchObject({ email: "buyer@example.com", name: "Buyer" });
  });

  it("refuses bad checkouts with clear, non-retryable errors", async () => {
    const { customerId } = await newTenant();
    const base = { kind: "topup" as const, productId: CREDITS_1K, quantity: 1, customer: { customerId }, returnUrl: `${appUrl}/b`, metadata: {} };
    const refused = async (input: Partial<Parameters<PaymentProvider["createCheckout"]>[0]>, message: string, status: number) => {
      const error = await provider.createCheckout({ ...base, ...input }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PaymentProviderError);
      expect(error).toMatchObject({ retryable: false, status, provider: "simulator", message: expect.stringContaining(message) });
    };
    await refused({ productId: "prod_unknown" }, "Product prod_unknown does not exist", 404);
    await refused({ productId: PRO_MONTHLY }, "is not a one-time credit pack", 422);
    await refused({ kind: "subscription" }, "is not a subscription plan", 422);
    await refused({ quantity: 0 }, "Quantity must be a positive integer", 422);
    await refused({ quantity: 1.5 }, "Quantity must be a positive integer", 422);
    await refused({ returnUrl: "/relative" }, "return_url must be an absolute http(s) URL", 422);
    await refused({ trialPeriodDays: 7 }, "only possible for a subscription", 422);
    await refused({ kind: "subscription", productId: PRO_MONTHLY, trialPeriodDays: -1 }, "trial_period_days must be a whole number", 422);
    await refused({ customer: { customerId: "cus_unknown" } }, "Customer cus_unknown does not exist", 404);
    await refused({ customer: { email: "not-an-email" } }, "is not an email address", 422);
  });

  it("a trial subscription starts without a charge and bills at the trial's end", async () => {
    const tenant = await newTenant();
    const session = await provider.createCheckout({
      kind: "subscription",
      productId: PRO_MONTHLY,
      quantity: 1,
      customer: { customerId: tenant.customerId },
      returnUrl: `${appUrl}/b`,
      metadata: { tenantId: tenant.tenantId },
      trialPeriodDays: 14,
    });
    const now = new Date();
    const paid = await completeCheckout({ ...ctx, now }, session.sessionId, "pay");
    expect(await findObject(prisma, "payment", paid.paymentId)).toMatchObject({ total_amount: 0, status: "succeeded" });
    expect(await findObject(prisma, "subscription", paid.subscriptionId!)).toMatchObject({
      trial_period_days: 14,
      next_billing_date: new Date(now.getTime() + 14 * DAY_MS).toISOString(),
    });
  });

  it("a yearly plan bills again in a year", async () => {
    const tenant = await newTenant();
    const session = await checkout(tenant, "subscription", productIdFor("pro", "yearly")!);
    const now = new Date("2026-03-15T10:00:00.000Z");
    const paid = await completeCheckout({ ...ctx, now }, session.sessionId, "pay");
    expect(await findObject(prisma, "subscription", paid.subscriptionId!)).toMatchObject({ next_billing_date: "2027-03-15T10:00:00.000Z" });
    expect(await findObject(prisma, "payment", paid.paymentId)).toMatchObject({ total_amount: 29_000 });
  });
});

describe("provider: portal, plan changes, cancel, usage", () => {
  it("links to the portal of a known customer only", async () => {
    const { customerId } = await newTenant();
    const { url } = await provider.portalLink(customerId, `${appUrl}/settings/billing`);
    const parsed = new URL(url);
    expect(`${parsed.origin}${parsed.pathname}`).toBe(`${appUrl}/simulator/portal/${customerId}`);
    expect(parsed.searchParams.get("return_url")).toBe(`${appUrl}/settings/billing`);
    await expect(provider.portalLink("cus_unknown", appUrl)).rejects.toMatchObject({ name: "PaymentProviderError", status: 404, retryable: false });
  });

  it("changes the plan with subscription.plan_changed and charges the prorated difference", async () => {
    const { tenantId, subscriptionId } = await subscribedTenant();
    await provider.changePlan(subscriptionId, { productId: productIdFor("business", "monthly")!, quantity: 1, proration: "prorated_immediately" });
    await drainJobs(prisma);
    const [changed, charged] = (await inbox(tenantId)).slice(-2);
    expect(changed).toMatchObject({ type: "subscription.plan_changed", status: "processed" });
    expect(changed!.payload).toMatchObject({ data: { product_id: productIdFor("business", "monthly"), status: "active" } });
    expect(charged).toMatchObject({ type: "payment.succeeded" });
    // Just subscribed: almost the whole month is unused, so almost the whole difference of 70 USD.
    const amount = (charged!.payload as { data: { total_amount: number } }).data.total_amount;
    expect(amount).toBeGreaterThan(6_900);
    expect(amount).toBeLessThanOrEqual(7_000);
    expect(await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).toMatchObject({ plan: "business" });
  });

  it("changes the plan without a charge for do_not_bill, and refuses what Dodo refuses", async () => {
    const { tenantId, subscriptionId } = await subscribedTenant();
    const before = (await inbox(tenantId)).length;
    await provider.changePlan(subscriptionId, { productId: productIdFor("pro", "monthly")!, quantity: 3, proration: "do_not_bill" });
    await drainJobs(prisma);
    const events = (await inbox(tenantId)).slice(before);
    expect(events.map((e) => e.type)).toEqual(["subscription.plan_changed"]);
    expect(await findObject(prisma, "subscription", subscriptionId)).toMatchObject({ quantity: 3 });

    await expect(provider.changePlan(subscriptionId, { productId: CREDITS_1K, quantity: 1, proration: "do_not_bill" })).rejects.toMatchObject({ status: 404, message: expect.stringContaining("not a subscription plan") });
    await expect(provider.changePlan(subscriptionId, { productId: PRO_MONTHLY, quantity: 0, proration: "do_not_bill" })).rejects.toMatchObject({ status: 422 });
    await expect(provider.changePlan("sub_unknown", { productId: PRO_MONTHLY, quantity: 1, proration: "do_not_bill" })).rejects.toMatchObject({ status: 404 });
  });

  it("cancelAtPeriodEnd sets the flag and sends subscription.updated", async () => {
    const { tenantId, subscriptionId } = await subscribedTenant();
    await provider.cancelAtPeriodEnd(subscriptionId);
    await drainJobs(prisma);
    expect(await findObject(prisma, "subscription", subscriptionId)).toMatchObject({ cancel_at_next_billing_date: true, status: "active" });
    expect((await inbox(tenantId)).at(-1)).toMatchObject({ type: "subscription.updated" });
    expect(await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).toMatchObject({ billingState: "canceled", plan: "pro" });
  });

  it("ingests usage events once per event id and refuses timestamps Dodo would refuse", async () => {
    const { customerId } = await newTenant();
    const event = (eventId: string, timestamp = new Date()) => ({ eventId, customerId, eventName: "usage.unit", timestamp, metadata: { units: 5 } });
    const a = `evt_${randomUUID()}`;
    const b = `evt_${randomUUID()}`;
    expect(await provider.reportUsage([event(a), event(a), event(b)])).toEqual({ ingested: 2 });
    expect(await provider.reportUsage([event(a), event(b)])).toEqual({ ingested: 0 });
    expect(await prisma.paymentSimulatorObject.count({ where: { kind: "usage_event", data: { path: ["customer_id"], equals: customerId } } })).toBe(2);

    const c = `evt_${randomUUID()}`;
    await expect(provider.reportUsage([event(c), event(`evt_${randomUUID()}`, new Date(Date.now() - 61 * 60_000))])).rejects.toMatchObject({
      name: "PaymentProviderError",
      retryable: false,
      message: expect.stringContaining("older than 1 hour"),
    });
    await expect(provider.reportUsage([event(c, new Date(Date.now() + 6 * 60_000))])).rejects.toMatchObject({ message: expect.stringContaining("in the future") });
    await expect(provider.reportUsage([{ ...event(c), customerId: "cus_unknown" }])).rejects.toMatchObject({ status: 404, message: expect.stringContaining("cus_unknown") });
    // Nothing of a refused call was stored.
    expect(await prisma.paymentSimulatorObject.count({ where: { kind: "usage_event", data: { path: ["event_id"], equals: c } } })).toBe(0);
  });
});

describe("hosted pages' data and portal operations", () => {
  it("the checkout page sees an open, a completed and an expired session, and no unknown one", async () => {
    const tenant = await newTenant();
    const session = await checkout(tenant, "topup", CREDITS_1K, 3);
    expect(await getCheckoutView(prisma, session.sessionId)).toMatchObject({
      state: "open",
      product: { kind: "credit-pack", credits: 1_000, unitAmount: 1_000 },
      quantity: 3,
      total: 3_000,
      email: `${tenant.slug}@example.com`,
    });
    expect(await getCheckoutView(prisma, session.sessionId, later(DAY_MS))).toMatchObject({ state: "expired" });
    await completeCheckout(ctx, session.sessionId, "pay");
    expect(await getCheckoutView(prisma, session.sessionId)).toMatchObject({ state: "completed" });
    expect(await getCheckoutView(prisma, "cks_unknown")).toBeNull();
  });

  it("the portal lists the customer's subscriptions and payments, newest first", async () => {
    const { customerId, subscriptionId, paymentId } = await subscribedTenant();
    await failRenewal(ctx, subscriptionId);
    const view = await getPortalView(prisma, customerId);
    expect(view!.subscriptions).toEqual([
      expect.objectContaining({ subscriptionId, status: "past_due", cancelAtPeriodEnd: false, quantity: 1, product: expect.objectContaining({ planId: "pro" }) }),
    ]);
    expect(view!.payments.map((p) => [p.status, p.amount])).toEqual([
      ["failed", 2_900],
      ["succeeded", 2_900],
    ]);
    expect(view!.payments[1]!.paymentId).toBe(paymentId);
    expect(await getPortalView(prisma, "cus_unknown")).toBeNull();
  });

  it("portal operations run only on the link's customer's own subscriptions and payments", async () => {
    const mine = await subscribedTenant();
    const theirs = await subscribedTenant();
    await expect(runPortalOperation(ctx, mine.customerId, "fail-renewal", theirs.subscriptionId)).rejects.toMatchObject({ code: "not_found" });
    await expect(runPortalOperation(ctx, mine.customerId, "refund", theirs.paymentId)).rejects.toMatchObject({ code: "not_found" });
    expect(await findObject(prisma, "subscription", theirs.subscriptionId)).toMatchObject({ status: "active" });

    await runPortalOperation(ctx, mine.customerId, "cancel-at-period-end", mine.subscriptionId);
    expect(await findObject(prisma, "subscription", mine.subscriptionId)).toMatchObject({ cancel_at_next_billing_date: true });
    await runPortalOperation(ctx, mine.customerId, "resume", mine.subscriptionId);
    await runPortalOperation(ctx, mine.customerId, "renew-now", mine.subscriptionId);
    await runPortalOperation(ctx, mine.customerId, "fail-renewal", mine.subscriptionId);
    await runPortalOperation(ctx, mine.customerId, "update-card-and-pay", mine.subscriptionId);
    await runPortalOperation(ctx, mine.customerId, "refund", mine.paymentId);
    await drainJobs(prisma);
    expect((await inbox(mine.tenantId)).slice(2).map((e) => e.type)).toEqual([
      "subscription.updated",
      "subscription.updated",
      "payment.succeeded",
      "subscription.renewed",
      "payment.failed",
      "subscription.past_due",
      "payment.succeeded",
      "subscription.active",
      "refund.succeeded",
    ]);
    expect(await prisma.tenant.findUniqueOrThrow({ where: { id: mine.tenantId } })).toMatchObject({ billingState: "active", plan: "pro" });
  });
});

// Each case starts the script in a child process (a few seconds with tsx).
describe("npm run payments:simulate", { timeout: 60_000 }, () => {
  const root = path.resolve(import.meta.dirname, "../..");
  function simulate(args: string[]): Promise<{ code: number; output: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/payments-simulate.ts", ...args], { cwd: root, env: process.env }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, output: stdout + stderr }),
      );
    });
  }

  it("finds a tenant's records by slug or id", async () => {
    const { tenantId, slug, customerId, subscriptionId, paymentId } = await subscribedTenant();
    const bySlug = await findTenantSimulatorRecords(prisma, slug);
    expect(bySlug).toMatchObject({ tenantId, records: { customer: { customer_id: customerId }, subscription: { subscription_id: subscriptionId }, payment: { payment_id: paymentId } } });
    expect((await findTenantSimulatorRecords(prisma, tenantId)).tenantId).toBe(tenantId);
    await expect(findTenantSimulatorRecords(prisma, "no-such-tenant")).rejects.toThrow('No tenant with the slug or id "no-such-tenant"');
    const bare = await prisma.tenant.create({ data: { name: "bare", slug: `bare-${randomUUID().slice(0, 8)}` } });
    await expect(findTenantSimulatorRecords(prisma, bare.slug)).rejects.toThrow("has no customer in the payment simulator yet");
  });

  it("renewal-failure twice over HTTP: every status printed, duplicates stored once, the tenant past_due", async () => {
    const { tenantId, slug } = await subscribedTenant();
    const before = (await inbox(tenantId)).length;
    const { code, output } = await simulate(["renewal-failure", "--tenant", slug, "--count", "2", "--url", appUrl]);
    expect(output).toContain(`to ${appUrl}/api/webhooks/dodo`);
    expect(output.match(/\] 200 payment\.failed msg_/g)).toHaveLength(2);
    expect(output.match(/\] 200 subscription\.past_due msg_/g)).toHaveLength(2);
    expect(code).toBe(0);
    expect(received).toHaveLength(2 + 4);
    await drainJobs(prisma);
    expect((await inbox(tenantId)).slice(before).map((e) => [e.type, e.status])).toEqual([
      ["payment.failed", "processed"],
      ["subscription.past_due", "processed"],
    ]);
    expect(await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).toMatchObject({ billingState: "past_due" });
  });

  it("out-of-order: the older past_due arrives second and changes nothing (folded in before the renewal)", async () => {
    const { tenantId } = await subscribedTenant();
    const { code } = await simulate(["out-of-order", "--tenant", tenantId, "--url", appUrl]);
    expect(code).toBe(0);
    await drainJobs(prisma);
    expect(await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId } })).toMatchObject({ state: "active" });
    const older = (await inbox(tenantId)).at(-1)!;
    expect(older).toMatchObject({ type: "subscription.past_due", status: "processed", note: expect.stringMatching(/no change \(active\)/) });
  });

  // Bad arguments: tests/unit/payments-simulator-cli.test.ts.
  it("exits 1 with a clear message for an unknown tenant and an app that does not answer", async () => {
    const unknown = await simulate(["recovery", "--tenant", "no-such-tenant", "--url", appUrl]);
    expect(unknown).toMatchObject({ code: 1, output: expect.stringContaining('No tenant with the slug or id "no-such-tenant"') });
    const { slug } = await subscribedTenant();
    const down = await simulate(["recovery", "--tenant", slug, "--url", "http://127.0.0.1:9"]);
    expect(down).toMatchObject({ code: 1, output: expect.stringContaining("could not be reached") });
  });
});
