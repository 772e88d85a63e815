/**
 * payments:simulate's argument parser and send order (pure), and the deliveries it builds from a
 * tenant's simulator records: Dodo envelopes with a fresh webhook-id each, the right event order and
 * timestamps per preset, and clear refusals when a record the event needs is missing.
 */
import { describe, expect, it } from "vitest";
import {
  buildSimulatedDeliveries,
  parseSimulateArgs,
  SimulateArgsError,
  sendOrder,
  type TenantSimulatorRecords,
} from "@/server/providers/payments/simulator/simulate-cli";
import { dodoWebhookEvent } from "@/server/providers/payments/dodo-webhooks";
import { simulatorProductId } from "@/server/domain/plans/plans";

const ok = (argv: string[]) => {
  const parsed = parseSimulateArgs(argv);
  if (parsed.help) throw new Error("expected options, got help");
  return parsed.options;
};
const refused = (argv: string[], message: string) => {
  expect(() => parseSimulateArgs(argv)).toThrow(SimulateArgsError);
  expect(() => parseSimulateArgs(argv)).toThrow(message);
};

describe("parseSimulateArgs", () => {
  it("reads a preset or event type, the tenant and defaults", () => {
    expect(ok(["--", "renewal-failure", "--tenant", "acme"])).toEqual({ what: "renewal-failure", tenant: "acme", count: 1, delayMs: 0, shuffle: false, url: undefined });
    expect(ok(["subscription.on_hold", "--tenant=0195-id"])).toMatchObject({ what: "subscription.on_hold", tenant: "0195-id" });
  });

  it("reads every option, in any order and in both spellings", () => {
    expect(ok(["--count", "3", "--shuffle", "out-of-order", "--delay-ms=250", "--tenant", "acme", "--url", "http://127.0.0.1:3001"])).toEqual({
      what: "out-of-order",
      tenant: "acme",
      count: 3,
      delayMs: 250,
      shuffle: true,
      url: "http://127.0.0.1:3001",
    });
  });

  it("answers --help and -h wherever they are", () => {
    expect(parseSimulateArgs(["--help"])).toEqual({ help: true });
    expect(parseSimulateArgs(["recovery", "--tenant", "acme", "-h"])).toEqual({ help: true });
  });

  it("refuses bad arguments with the reason", () => {
    refused([], "Name an event type or a preset");
    refused(["--tenant", "acme"], "Name an event type or a preset");
    refused(["renewal-failure"], "--tenant <slug|id> is required");
    refused(["payment.exploded", "--tenant", "acme"], 'Unknown event type or preset "payment.exploded"');
    refused(["recovery", "renewal-failure", "--tenant", "acme"], "Only one event type or preset at a time");
    refused(["recovery", "--tenant"], "--tenant needs a value");
    refused(["recovery", "--tenant", "--shuffle"], "--tenant needs a value");
    refused(["recovery", "--tenant="], "--tenant needs a value");
    refused(["recovery", "--tenant", "acme", "--count", "0"], "--count must be a whole number from 1 to 100");
    refused(["recovery", "--tenant", "acme", "--count", "2.5"], "--count must be a whole number");
    refused(["recovery", "--tenant", "acme", "--count", "101"], "--count must be a whole number");
    refused(["recovery", "--tenant", "acme", "--delay-ms", "-1"], "--delay-ms must be a whole number");
    refused(["recovery", "--tenant", "acme", "--url", "localhost:3000"], "--url must be an http(s) URL");
    refused(["recovery", "--tenant", "acme", "--shuffle=yes"], "--shuffle takes no value");
    refused(["recovery", "--tenant", "acme", "--verbose"], "Unknown option --verbose");
  });
});

describe("sendOrder", () => {
  it("repeats each delivery count times, in order", () => {
    expect(sendOrder(["a", "b"], 3, false)).toEqual(["a", "a", "a", "b", "b", "b"]);
  });

  it("shuffles all sends and keeps every one", () => {
    const shuffled = sendOrder(["a", "b", "c"], 2, true, () => 0);
    expect(shuffled).not.toEqual(["a", "a", "b", "b", "c", "c"]);
    expect([...shuffled].sort()).toEqual(["a", "a", "b", "b", "c", "c"]);
  });
});

const PRO = simulatorProductId("DODO_PRODUCT_PRO_MONTHLY");
const records: TenantSimulatorRecords = {
  customer: { customer_id: "cus_1", email: "owner@example.com", name: "Acme", metadata: { tenantId: "t1" }, created_at: "2026-01-01T00:00:00.000Z" },
  subscription: {
    subscription_id: "sub_1",
    customer_id: "cus_1",
    product_id: PRO,
    quantity: 2,
    status: "active",
    metadata: { tenantId: "t1", checkoutId: "c1" },
    created_at: "2026-01-01T00:00:00.000Z",
    previous_billing_date: "2026-01-31T00:00:00.000Z",
    next_billing_date: "2026-02-28T00:00:00.000Z",
    cancel_at_next_billing_date: false,
    cancelled_at: null,
    trial_period_days: 0,
    checkout_session_id: "cks_1",
  },
  payment: {
    payment_id: "pay_1",
    customer_id: "cus_1",
    status: "succeeded",
    total_amount: 5_800,
    currency: "USD",
    metadata: { tenantId: "t1" },
    subscription_id: "sub_1",
    product_cart: null,
    checkout_session_id: "cks_1",
    card_last_four: "4242",
    error_code: null,
    error_message: null,
    retry_attempt: 0,
    refunds: [{ refund_id: "ref_0", amount: 800, created_at: "2026-01-02T00:00:00.000Z" }],
    created_at: "2026-01-01T00:00:00.000Z",
  },
};
const NOW = new Date("2026-02-10T12:00:00.000Z");

describe("buildSimulatedDeliveries", () => {
  it("renewal-failure: a declined renewal charge and subscription.past_due, both at now", () => {
    const [payment, pastDue] = buildSimulatedDeliveries("renewal-failure", records, NOW);
    expect(payment!.webhookId).toMatch(/^msg_/);
    expect(payment!.webhookId).not.toBe(pastDue!.webhookId);
    expect(payment!.body).toMatchObject({
      business_id: "bus_simulator",
      type: "payment.failed",
      timestamp: NOW.toISOString(),
      data: { payload_type: "Payment", status: "failed", subscription_id: "sub_1", total_amount: 5_800, metadata: { tenantId: "t1", checkoutId: "c1" }, customer: { customer_id: "cus_1" } },
    });
    expect(pastDue!.body).toMatchObject({ type: "subscription.past_due", timestamp: NOW.toISOString(), data: { payload_type: "Subscription", status: "past_due", subscription_id: "sub_1" } });
    const parse = (body: { type: string; timestamp: string; data: unknown }) => dodoWebhookEvent("msg", { ...body, timestamp: new Date(body.timestamp) });
    expect(parse(pastDue!.body)).toMatchObject({ kind: "subscription.past_due", occurredAt: NOW });
    expect(parse(payment!.body)).toMatchObject({ kind: "subscription.payment_failed", subscriptionId: "sub_1", amountMinor: 5_800, tenantId: "t1", checkoutId: "c1" });
  });

  it("recovery: a succeeded renewal charge and subscription.active", () => {
    const bodies = buildSimulatedDeliveries("recovery", records, NOW).map((d) => d.body);
    expect(bodies.map((b) => [b.type, b.data.status])).toEqual([
      ["payment.succeeded", "succeeded"],
      ["subscription.active", "active"],
    ]);
  });

  it("out-of-order: the newer renewal first, then a past_due a minute older", () => {
    const [renewed, older] = buildSimulatedDeliveries("out-of-order", records, NOW).map((d) => d.body);
    expect(renewed).toMatchObject({ type: "subscription.renewed", timestamp: NOW.toISOString(), data: { previous_billing_date: "2026-02-28T00:00:00.000Z", next_billing_date: "2026-03-28T00:00:00.000Z" } });
    expect(older).toMatchObject({ type: "subscription.past_due", timestamp: new Date(NOW.getTime() - 60_000).toISOString() });
  });

  it("a single event type: subscription statuses follow the event, a cancellation has cancelled_at", () => {
    const [cancelled] = buildSimulatedDeliveries("subscription.cancelled", records, NOW);
    expect(cancelled!.body.data).toMatchObject({ status: "cancelled", cancelled_at: NOW.toISOString() });
    const [updated] = buildSimulatedDeliveries("subscription.updated", records, NOW);
    expect(updated!.body.data).toMatchObject({ status: "active", cancel_at_next_billing_date: false });
  });

  it("refund.succeeded refunds what is left of the latest payment", () => {
    const [refund] = buildSimulatedDeliveries("refund.succeeded", records, NOW);
    expect(refund!.body).toMatchObject({ type: "refund.succeeded", data: { payload_type: "Refund", payment_id: "pay_1", amount: 5_000, is_partial: true } });
    expect((refund!.body.data as { refund_id: string }).refund_id).toMatch(/^ref_/);
  });

  it("refuses events whose record the tenant does not have", () => {
    const bare = { ...records, subscription: null, payment: null };
    expect(() => buildSimulatedDeliveries("renewal-failure", bare, NOW)).toThrow(/needs a subscription.*subscribe to a plan in the app first/);
    expect(() => buildSimulatedDeliveries("subscription.active", bare, NOW)).toThrow(SimulateArgsError);
    expect(() => buildSimulatedDeliveries("refund.succeeded", bare, NOW)).toThrow("refund.succeeded needs a succeeded payment");
    const refundedInFull = { ...records, payment: { ...records.payment!, refunds: [{ refund_id: "ref_0", amount: 5_800, created_at: NOW.toISOString() }] } };
    expect(() => buildSimulatedDeliveries("refund.succeeded", refundedInFull, NOW)).toThrow("is refunded in full already");
  });
});
