/**
 * The webhook storm (tests/helpers/webhook-storm.ts) through Dodo's real route handler: a few thousand
 * signed deliveries for 40 tenants, ~30% redelivered, shuffled, some first refused for a bad signature,
 * ~10% failing once after their effects were written. The end state must be exact.
 */
import { afterAll, beforeAll, describe, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DODO_PAYMENTS_WEBHOOK_KEY = "whsec_dGVzdC13ZWJob29rLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm";
  process.env.DODO_PRODUCT_PRO_MONTHLY = "prod_pro_monthly";
  process.env.DODO_PRODUCT_CREDITS_1K = "prod_credits_1k";
  process.env.DODO_PRODUCT_CREDITS_5K = "prod_credits_5k";
});

import "@/server/domain/billing/process-webhook";
import { generateWebhookSecret } from "@/server/providers/payments/webhook-signature";
import { creditPayment, deliverWebhook, refundEvent, subscriptionEvent, subscriptionPayment } from "../helpers/dodo-webhooks";
import { installFlakyTrigger, removeFlakyTrigger, runWebhookStorm, type StormEvent, type StormVendor } from "../helpers/webhook-storm";

const PACK_PRODUCT = { "credits-1k": "prod_credits_1k", "credits-5k": "prod_credits_5k" } as const;

/** Dodo's bodies (`{ business_id, type, timestamp, data }`), Standard Webhooks-signed, through POST /api/webhooks/dodo. */
const dodo: StormVendor = {
  encode(event: StormEvent) {
    const timestamp = event.at.toISOString();
    switch (event.type) {
      case "subscription":
        return subscriptionEvent(`subscription.${event.state}`, event.tenantId, timestamp).body;
      case "subscription-payment":
        return subscriptionPayment(event.succeeded ? "payment.succeeded" : "payment.failed", event.tenantId, event.paymentId, timestamp).body;
      case "credit-payment":
        return creditPayment(event.tenantId, event.paymentId, PACK_PRODUCT[event.pack], event.amountMinor, timestamp).body;
      case "refund":
        return refundEvent(event.tenantId, event.refundId, event.paymentId, event.amountMinor, timestamp).body;
    }
  },
  deliver: (id, body, opts) => deliverWebhook({ id, body }, opts?.badSignature ? { secret: generateWebhookSecret() } : {}),
};

beforeAll(installFlakyTrigger);
afterAll(removeFlakyTrigger);

describe("webhook storm (Dodo)", () => {
  it("a few thousand shuffled, duplicated, partly failing deliveries end in exactly the expected states, ledgers and payments", { timeout: 600_000 }, async () => {
    await runWebhookStorm(dodo, { tenants: 40, seed: 20261126 });
  });
});
