/**
 * The simulator's pure parts: webhook bodies in Dodo's shapes (the `dodopayments` payload types at
 * compile time, their required fields at run time, and what the app's verifier and state machine read
 * from them), ids, billing periods, plan change charges and URL helpers.
 */
import type { WebhookPayload } from "dodopayments/resources/webhook-events";
import { describe, expect, expectTypeOf, it } from "vitest";
import { parseDodoWebhook } from "@/server/providers/payments/dodo-webhooks";
import { checkoutReturnUrl } from "@/server/providers/payments/simulator/checkout";
import { sameOriginReturnUrl } from "@/server/providers/payments/simulator/portal";
import { planChangeCharge } from "@/server/providers/payments/simulator/subscriptions";
import { simulatorProductId } from "@/server/domain/plans/plans";
import { addBillingPeriod, simulatorProduct } from "@/server/providers/payments/simulator/catalog";
import { simulatorId, simulatorIdFor, type SimulatorCustomer, type SimulatorPayment, type SimulatorRefund, type SimulatorSubscription } from "@/server/providers/payments/simulator/objects";
import { objectKindOf, paymentData, refundData, subscriptionData, webhookBody } from "@/server/providers/payments/simulator/payloads";
import { generateWebhookSecret, signWebhook, verifyWebhook } from "@/server/providers/payments/webhook-signature";

const customer: SimulatorCustomer = { customer_id: "cus_1", email: "owner@example.com", name: "Acme", metadata: { tenantId: "t1" }, created_at: "2026-01-01T00:00:00.000Z" };
const payment: SimulatorPayment = {
  payment_id: "pay_1",
  customer_id: "cus_1",
  status: "succeeded",
  total_amount: 2_000,
  currency: "USD",
  metadata: { tenantId: "t1", checkoutId: "c1" },
  subscription_id: null,
  product_cart: [{ product_id: simulatorProductId("DODO_PRODUCT_CREDITS_1K"), quantity: 2 }],
  checkout_session_id: "cks_1",
  card_last_four: "4242",
  error_code: null,
  error_message: null,
  retry_attempt: 0,
  refunds: [],
  created_at: "2026-01-01T00:00:00.000Z",
};
const subscription: SimulatorSubscription = {
  subscription_id: "sub_1",
  customer_id: "cus_1",
  product_id: simulatorProductId("DODO_PRODUCT_BUSINESS_YEARLY"),
  quantity: 1,
  status: "past_due",
  metadata: { tenantId: "t1" },
  created_at: "2026-01-01T00:00:00.000Z",
  previous_billing_date: "2026-01-01T00:00:00.000Z",
  next_billing_date: "2027-01-01T00:00:00.000Z",
  cancel_at_next_billing_date: true,
  cancelled_at: null,
  trial_period_days: 0,
  checkout_session_id: "cks_1",
};
const refund: SimulatorRefund = {
  refund_id: "ref_1",
  payment_id: "pay_1",
  customer_id: "cus_1",
  amount: 500,
  currency: "USD",
  metadata: { tenantId: "t1" },
  is_partial: true,
  created_at: "2026-01-03T00:00:00.000Z",
};

// The required (non-optional) fields of the SDK's Payment, Subscription and Refund types.
const REQUIRED = {
  Payment: ["billing", "brand_id", "business_id", "created_at", "currency", "customer", "digital_products_delivered", "disputes", "is_multi_subscription", "is_update_payment_method", "metadata", "payment_id", "payment_provider", "refunds", "retry_attempt", "settlement_amount", "settlement_currency", "subscription_ids", "total_amount"],
  Subscription: ["addons", "billing", "brand_id", "cancel_at_next_billing_date", "created_at", "credit_entitlement_cart", "currency", "customer", "has_payment_method", "metadata", "meter_credit_entitlement_cart", "meters", "next_billing_date", "on_demand", "payment_frequency_count", "payment_frequency_interval", "previous_billing_date", "product_id", "quantity", "recurring_pre_tax_amount", "status", "subscription_id", "subscription_period_count", "subscription_period_interval", "tax_inclusive", "trial_period_days"],
  Refund: ["brand_id", "business_id", "created_at", "customer", "is_partial", "metadata", "payment_id", "refund_id", "status"],
};

describe("webhook bodies", () => {
  it("are the SDK's payload types", () => {
    expectTypeOf(paymentData(payment, customer)).toEqualTypeOf<WebhookPayload.Payment>();
    expectTypeOf(subscriptionData(subscription, customer)).toEqualTypeOf<WebhookPayload.Subscription>();
    expectTypeOf(refundData(refund, customer)).toEqualTypeOf<WebhookPayload.Refund>();
  });

  it("carry every required field, the payload_type and the customer details", () => {
    const bodies = { Payment: paymentData(payment, customer), Subscription: subscriptionData(subscription, customer), Refund: refundData(refund, customer) };
    for (const [type, data] of Object.entries(bodies)) {
      expect(data.payload_type).toBe(type);
      for (const field of REQUIRED[type as keyof typeof REQUIRED]) expect(data, `${type}.${field}`).toHaveProperty(field);
      expect(data.customer).toEqual({ customer_id: "cus_1", email: "owner@example.com", name: "Acme", metadata: { tenantId: "t1" } });
    }
  });

  it("a one-time payment has its product_cart and no subscription; refunds show on it", () => {
    const refunded = { ...payment, refunds: [{ refund_id: "ref_1", amount: 500, created_at: "2026-01-03T00:00:00.000Z" }] };
    expect(paymentData(refunded, customer)).toMatchObject({
      subscription_id: null,
      subscription_ids: [],
      product_cart: payment.product_cart,
      metadata: { tenantId: "t1", checkoutId: "c1" },
      refund_status: "partial",
      refunds: [{ refund_id: "ref_1", payment_id: "pay_1", amount: 500, is_partial: true, status: "succeeded" }],
      updated_at: "2026-01-03T00:00:00.000Z",
    });
    expect(paymentData(payment, customer).refund_status).toBeNull();
  });

  it("a subscription reports its interval and price from the catalogue", () => {
    expect(subscriptionData(subscription, customer)).toMatchObject({
      status: "past_due",
      payment_frequency_interval: "Year",
      payment_frequency_count: 1,
      recurring_pre_tax_amount: 99_000,
      cancel_at_next_billing_date: true,
    });
  });

  it("sign and verify as the app's inbox expects, and normalize to the app's event", () => {
    const secret = generateWebhookSecret();
    const at = new Date("2026-02-01T00:00:00.000Z");
    const raw = JSON.stringify(webhookBody("subscription.updated", at, subscriptionData(subscription, customer)));
    const headers = signWebhook(raw, { secret, id: "msg_1" });
    const envelope = verifyWebhook(raw, headers, secret);
    expect(envelope).toMatchObject({ id: "msg_1", type: "subscription.updated", businessId: "bus_simulator", timestamp: at });
    // past_due with the cancel flag is still past_due; the period end is the next billing date.
    expect(parseDodoWebhook(raw, headers, secret)).toMatchObject({
      eventId: "msg_1",
      providerType: "subscription.updated",
      kind: "subscription.past_due",
      occurredAt: at,
      periodEnd: new Date("2027-01-01T00:00:00.000Z"),
    });
  });

  it("name the record their data comes from", () => {
    expect(objectKindOf("payment.failed")).toBe("payment");
    expect(objectKindOf("subscription.plan_changed")).toBe("subscription");
    expect(objectKindOf("refund.succeeded")).toBe("refund");
  });
});

describe("ids", () => {
  it("look like Dodo's: a prefix and 22 alphanumerics, random or derived from a key", () => {
    expect(simulatorId("pay")).toMatch(/^pay_[0-9A-Za-z]{22}$/);
    expect(simulatorId("cus")).not.toBe(simulatorId("cus"));
    expect(simulatorIdFor("cks", "key-1")).toMatch(/^cks_[0-9A-Za-z]{22}$/);
    expect(simulatorIdFor("cks", "key-1")).toBe(simulatorIdFor("cks", "key-1"));
    expect(simulatorIdFor("cks", "key-1")).not.toBe(simulatorIdFor("cks", "key-2"));
  });
});

describe("catalogue and billing periods", () => {
  it("prices plans and credit packs from the plan catalogue and knows nothing else", () => {
    expect(simulatorProduct(simulatorProductId("DODO_PRODUCT_PRO_MONTHLY"))).toMatchObject({ kind: "plan", planId: "pro", interval: "monthly", unitAmount: 2_900, currency: "USD" });
    expect(simulatorProduct(simulatorProductId("DODO_PRODUCT_CREDITS_5K"))).toMatchObject({ kind: "credit-pack", packId: "credits-5k", credits: 5_000, unitAmount: 4_500 });
    expect(simulatorProduct(simulatorProductId("DODO_PRODUCT_USAGE_UNITS"))).toBeNull();
    expect(simulatorProduct("prod_unknown")).toBeNull();
  });

  it("adds calendar months, clamped to the month's last day, and years", () => {
    expect(addBillingPeriod(new Date("2026-01-15T08:30:00.000Z"), "monthly").toISOString()).toBe("2026-02-15T08:30:00.000Z");
    expect(addBillingPeriod(new Date("2026-01-31T00:00:00.000Z"), "monthly").toISOString()).toBe("2026-02-28T00:00:00.000Z");
    expect(addBillingPeriod(new Date("2028-01-31T00:00:00.000Z"), "monthly").toISOString()).toBe("2028-02-29T00:00:00.000Z");
    expect(addBillingPeriod(new Date("2026-12-31T00:00:00.000Z"), "monthly").toISOString()).toBe("2027-01-31T00:00:00.000Z");
    expect(addBillingPeriod(new Date("2028-02-29T00:00:00.000Z"), "yearly").toISOString()).toBe("2029-02-28T00:00:00.000Z");
  });
});

describe("planChangeCharge", () => {
  const period = { start: new Date("2026-01-01T00:00:00.000Z"), end: new Date("2026-01-31T00:00:00.000Z") };
  const halfway = new Date("2026-01-16T00:00:00.000Z");
  const upgrade = { oldTotal: 2_900, newTotal: 9_900 };

  it("charges per proration mode", () => {
    expect(planChangeCharge({ ...upgrade, proration: "prorated_immediately" }, period, halfway)).toBe(3_500);
    expect(planChangeCharge({ ...upgrade, proration: "full_immediately" }, period, halfway)).toBe(9_900);
    expect(planChangeCharge({ ...upgrade, proration: "difference_immediately" }, period, halfway)).toBe(7_000);
    expect(planChangeCharge({ ...upgrade, proration: "do_not_bill" }, period, halfway)).toBe(0);
  });

  it("charges nothing now for a cheaper plan, and at most the whole difference", () => {
    const downgrade = { oldTotal: 9_900, newTotal: 2_900 };
    expect(planChangeCharge({ ...downgrade, proration: "prorated_immediately" }, period, halfway)).toBe(0);
    expect(planChangeCharge({ ...downgrade, proration: "difference_immediately" }, period, halfway)).toBe(0);
    expect(planChangeCharge({ ...upgrade, proration: "prorated_immediately" }, period, new Date("2025-12-01T00:00:00.000Z"))).toBe(7_000);
    expect(planChangeCharge({ ...upgrade, proration: "prorated_immediately" }, period, new Date("2026-02-10T00:00:00.000Z"))).toBe(0);
  });
});

describe("URLs", () => {
  it("returns from checkout with Dodo's result parameters, keeping the return URL's own", () => {
    const url = new URL(checkoutReturnUrl("http://localhost:3000/settings/billing?tab=plan", "succeeded", "cks_1"));
    expect(Object.fromEntries(url.searchParams)).toEqual({ tab: "plan", checkout: "succeeded", session_id: "cks_1" });
  });

  it("honours only a return URL on the app's own origin", () => {
    const app = "http://localhost:3000";
    expect(sameOriginReturnUrl("http://localhost:3000/settings/billing", app)).toBe("http://localhost:3000/settings/billing");
    expect(sameOriginReturnUrl("https://evil.example/phish", app)).toBeNull();
    expect(sameOriginReturnUrl("http://localhost:3001/x", app)).toBeNull();
    expect(sameOriginReturnUrl("javascript:alert(1)", app)).toBeNull();
    expect(sameOriginReturnUrl("/relative", app)).toBeNull();
    expect(sameOriginReturnUrl(undefined, app)).toBeNull();
  });
});
