/**
 * Dodo's webhooks in the app's terms (src/server/providers/payments/dodo-webhooks.ts): every field billing
 * reads comes out of the normalized event, for each kind of body Dodo sends; a delivery is verified
 * before anything is read.
 */
import { describe, expect, it } from "vitest";
import { dodoWebhookEvent, parseDodoWebhook } from "@/server/providers/payments/dodo-webhooks";
import { InvalidWebhookPayloadError, InvalidWebhookSignatureError, PAYMENT_EVENT_KINDS } from "@/server/providers/payments/types";
import { generateWebhookSecret, signWebhook } from "@/server/providers/payments/webhook-signature";

const at = new Date("2026-03-10T12:00:00.000Z");
const next = "2026-04-10T12:00:00.000Z";
const event = (type: string, data: Record<string, unknown>) => dodoWebhookEvent("msg_1", { type, timestamp: at, data });
const subscription = (status: string, extra: Record<string, unknown> = {}) => ({
  subscription_id: "sub_1",
  status,
  product_id: "prod_pro",
  quantity: 3,
  recurring_pre_tax_amount: 2_900,
  currency: "USD",
  customer: { customer_id: "cus_1" },
  metadata: { tenantId: "t1", checkoutId: "c1" },
  next_billing_date: next,
  cancel_at_next_billing_date: false,
  ...extra,
});

describe("dodoWebhookEvent", () => {
  it("reads a subscription event's ids, product, seats, amount, period end and our metadata", () => {
    expect(event("subscription.renewed", subscription("active"))).toEqual({
      eventId: "msg_1",
      providerType: "subscription.renewed",
      kind: "subscription.renewed",
      occurredAt: at,
      tenantId: "t1",
      checkoutId: "c1",
      customerId: "cus_1",
      subscriptionId: "sub_1",
      paymentId: null,
      refundId: null,
      productId: "prod_pro",
      quantity: 3,
      amountMinor: 2_900,
      currency: "USD",
      periodEnd: new Date(next),
    });
  });

  it("maps every subscription type Dodo sends to its kind", () => {
    for (const kind of PAYMENT_EVENT_KINDS.filter((k) => k.startsWith("subscription.") && !k.startsWith("subscription.payment_"))) {
      expect(event(kind, subscription("active")).kind).toBe(kind);
    }
  });

  it("reads subscription.updated / plan_changed by their status; active with cancel at period end is a cancellation", () => {
    expect(event("subscription.updated", subscription("on_hold")).kind).toBe("subscription.on_hold");
    expect(event("subscription.plan_changed", subscription("active")).kind).toBe("subscription.active");
    expect(event("subscription.updated", subscription("active", { cancel_at_next_billing_date: true })).kind).toBe("subscription.cancelled");
    expect(event("subscription.active", subscription("active", { cancel_at_next_billing_date: true })).kind).toBe("subscription.cancelled");
    expect(event("subscription.updated", subscription("pending")).kind).toBe("unhandled");
  });

  it("tells a subscription's payments from one-time payments by the subscription they name", () => {
    const payment = { payment_id: "pay_1", total_amount: 5_800, currency: "EUR", customer: { customer_id: "cus_1" }, metadata: { tenantId: "t1" } };
    expect(event("payment.failed", { ...payment, subscription_id: "sub_1" })).toMatchObject({ kind: "subscription.payment_failed", subscriptionId: "sub_1", paymentId: "pay_1", amountMinor: 5_800, currency: "EUR" });
    expect(event("payment.succeeded", { ...payment, subscription_id: null, subscription_ids: ["sub_2"] })).toMatchObject({ kind: "subscription.payment_succeeded", subscriptionId: "sub_2" });
    expect(event("payment.succeeded", { ...payment, subscription_ids: [], product_cart: [{ product_id: "prod_credits", quantity: 2 }] })).toMatchObject({
      kind: "payment.succeeded",
      subscriptionId: null,
      productId: "prod_credits",
      quantity: 2,
      tenantId: "t1",
    });
  });

  it("reads a refund's own id, its payment and the refunded amount", () => {
    expect(event("refund.succeeded", { refund_id: "ref_1", payment_id: "pay_1", amount: 500, currency: "USD", customer: { customer_id: "cus_1" }, metadata: {} })).toMatchObject({
      kind: "refund.succeeded",
      refundId: "ref_1",
      paymentId: "pay_1",
      amountMinor: 500,
      customerId: "cus_1",
      tenantId: null,
    });
  });

  it("keeps what billing does not act on as unhandled, and missing fields as null (processing says what is missing)", () => {
    expect(event("dispute.opened", { dispute_id: "dp_1" })).toMatchObject({ kind: "unhandled", providerType: "dispute.opened", paymentId: null });
    expect(event("refund.succeeded", {})).toMatchObject({ kind: "refund.succeeded", refundId: null, paymentId: null, amountMinor: null });
    expect(event("subscription.active", { status: "active", next_billing_date: "not a date", metadata: { tenantId: 7 } })).toMatchObject({ periodEnd: null, tenantId: null });
  });
});

describe("parseDodoWebhook", () => {
  const secret = generateWebhookSecret();
  const body = JSON.stringify({ business_id: "bus_1", type: "subscription.renewed", timestamp: at.toISOString(), data: subscription("active") });

  it("verifies the Standard Webhooks signature first, then normalizes with the delivery's id", () => {
    expect(parseDodoWebhook(body, signWebhook(body, { secret, id: "msg_9" }), secret)).toMatchObject({ eventId: "msg_9", kind: "subscription.renewed", occurredAt: at });
    expect(() => parseDodoWebhook(body, signWebhook(body, { secret: generateWebhookSecret(), id: "msg_9" }), secret)).toThrow(InvalidWebhookSignatureError);
    const notAnEnvelope = JSON.stringify({ hello: "world" });
    expect(() => parseDodoWebhook(notAnEnvelope, signWebhook(notAnEnvelope, { secret, id: "msg_9" }), secret)).toThrow(InvalidWebhookPayloadError);
  });
});
