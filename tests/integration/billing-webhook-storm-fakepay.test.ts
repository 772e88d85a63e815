/**
 * The same webhook storm (tests/helpers/webhook-storm.ts) through a second vendor with a different
 * payload shape and signature scheme (tests/helpers/fake-payment-provider.ts), received by the same inbox
 * code: swapping the payments vendor touches src/server/providers/payments/ only, and billing ends in the
 * same exact states, plans, ledgers and payments.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DODO_PRODUCT_PRO_MONTHLY = "prod_pro_monthly";
  process.env.DODO_PRODUCT_CREDITS_1K = "prod_credits_1k";
  process.env.DODO_PRODUCT_CREDITS_5K = "prod_credits_5k";
});

import { prisma } from "@/server/db/client";
import { receiveWebhook } from "@/server/domain/billing/receive-webhook";
import { createFakePayProvider, signFakePay, type FakePayEvent } from "../helpers/fake-payment-provider";
import { installFlakyTrigger, removeFlakyTrigger, runWebhookStorm, type StormEvent, type StormVendor } from "../helpers/webhook-storm";
import { DAY_MS } from "@/lib/time";

const SECRET = "fakepay-test-secret";
const fakepay = createFakePayProvider(SECRET);
const PACK_PRODUCT = { "credits-1k": "prod_credits_1k", "credits-5k": "prod_credits_5k" } as const;
const major = (minor: number) => (minor / 100).toFixed(2);

function fakePayBody(event: StormEvent, id: string): FakePayEvent {
  const common = { eventId: id, createdAtMs: event.at.getTime() };
  const tags = { tenantId: event.tenantId };
  const account = { ref: `acct_${event.tenantId}` };
  switch (event.type) {
    case "subscription":
      return {
        ...common,
        name: "SubscriptionStateChanged",
        object: {
          tags,
          account,
          subscription: {
            ref: `subs_${event.tenantId}`,
            state: ({ active: "ACTIVE", renewed: "RENEWED", past_due: "PAST_DUE", on_hold: "ON_HOLD" } as const)[event.state],
            plan: "prod_pro_monthly",
            seats: 1,
            currentPeriodEndMs: event.at.getTime() + 30 * DAY_MS,
          },
        },
      };
    case "subscription-payment":
      return {
        ...common,
        name: event.succeeded ? "InvoicePaid" : "InvoiceFailed",
        object: { tags, account, invoice: { ref: event.paymentId, subscriptionRef: `subs_${event.tenantId}`, total: "29.00", currency: "usd" } },
      };
    case "credit-payment":
      return {
        ...common,
        name: "OrderPaid",
        object: { tags, account, order: { ref: event.paymentId, lines: [{ sku: PACK_PRODUCT[event.pack], qty: 1 }], total: major(event.amountMinor), currency: "usd" } },
      };
    case "refund":
      return { ...common, name: "OrderRefunded", object: { tags, account, refund: { ref: event.refundId, orderRef: event.paymentId, amount: major(event.amountMinor), currency: "usd" } } };
  }
}

const vendor: StormVendor = {
  encode: (event, id) => JSON.stringify(fakePayBody(event, id)),
  async deliver(_id, body, opts) {
    const headers = signFakePay(body, opts?.badSignature ? "not-the-secret" : SECRET);
    return (await receiveWebhook(prisma, { rawBody: body, headers, provider: fakepay })).status;
  },
};

beforeAll(installFlakyTrigger);
afterAll(removeFlakyTrigger);

describe("webhook storm (a second vendor, FakePay)", () => {
  it("ends in exactly the states, plans, ledgers and payments the Dodo storm ends in", { timeout: 600_000 }, async () => {
    await runWebhookStorm(vendor, { tenants: 15, seed: 20261207 });
    // Its rows are its own: the vendor's names and ids, the app's kinds.
    expect(await prisma.billingPaymentEvent.count({ where: { provider: { not: "fakepay" } } })).toBe(0);
    expect(await prisma.billingPaymentEvent.groupBy({ by: ["type", "kind"], orderBy: { type: "asc" } }).then((rows) => rows.map((r) => `${r.type} -> ${r.kind}`))).toEqual(
      expect.arrayContaining(["InvoiceFailed -> subscription.payment_failed", "InvoicePaid -> subscription.payment_succeeded", "OrderPaid -> payment.succeeded", "OrderRefunded -> refund.succeeded"]),
    );
    expect(await prisma.billingCustomer.count({ where: { provider: "fakepay", providerCustomerId: { startsWith: "acct_" } } })).toBe(15);
  });
});
