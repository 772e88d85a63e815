/**
 * The migration that added the normalized columns to the webhook inbox backfills rows stored before it
 * from their Dodo bodies in SQL. Its result must be what the provider's parseWebhook gives for the same
 * body today (src/server/providers/payments/dodo-webhooks.ts), or old events would be processed or listed
 * differently from new ones.
 */
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Prisma } from "@/generated/prisma/client";
import { prisma } from "@/server/db/client";
import { inboxRow } from "@/server/domain/billing/receive-webhook";
import { dodoWebhookEvent } from "@/server/providers/payments/dodo-webhooks";

const MIGRATION = path.resolve("prisma/migrations/20261207232603_inbox_normalized_events/migration.sql");
const backfill = `-- ${fs.readFileSync(MIGRATION, "utf8").split("-- Backfill")[1]!}`;

const ts = "2026-03-10T12:00:00.123Z";
const sub = (status: string, extra: Record<string, unknown> = {}) => ({
  subscription_id: "sub_1",
  status,
  product_id: "prod_pro",
  quantity: 2,
  recurring_pre_tax_amount: 2_900,
  currency: "USD",
  customer: { customer_id: "cus_1" },
  metadata: { tenantId: "t1", checkoutId: "c1" },
  next_billing_date: "2026-04-10T12:00:00.000Z",
  cancel_at_next_billing_date: false,
  ...extra,
});
const BODIES: [string, Record<string, unknown>][] = [
  ["subscription.active", sub("active")],
  ["subscription.active", sub("active", { cancel_at_next_billing_date: true })],
  ["subscription.renewed", sub("active")],
  ["subscription.on_hold", sub("on_hold")],
  ["subscription.updated", sub("past_due")],
  ["subscription.updated", sub("active", { cancel_at_next_billing_date: true })],
  ["subscription.plan_changed", sub("active", { product_id: "prod_business" })],
  ["subscription.updated", sub("pending")],
  ["subscription.cancelled", sub("cancelled")],
  ["payment.succeeded", { payment_id: "pay_1", subscription_id: "sub_1", total_amount: 2_900, currency: "USD", customer: { customer_id: "cus_1" }, metadata: { tenantId: "t1" } }],
  ["payment.failed", { payment_id: "pay_2", subscription_id: null, subscription_ids: ["sub_1"], total_amount: 2_900, currency: "USD", customer: { customer_id: "cus_1" }, metadata: {} }],
  ["payment.succeeded", { payment_id: "pay_3", subscription_ids: [], product_cart: [{ product_id: "prod_credits", quantity: 3 }], total_amount: 3_000, currency: "EUR", customer: { customer_id: "cus_1" }, metadata: { tenantId: "t1", checkoutId: "c2" } }],
  ["payment.succeeded", { payment_id: "pay_4", product_cart: [{ product_id: "prod_credits" }], total_amount: 1_000, currency: "USD", metadata: {} }],
  ["payment.failed", { payment_id: "pay_5", total_amount: 1_000, currency: "USD" }],
  ["refund.succeeded", { refund_id: "ref_1", payment_id: "pay_3", amount: 1_500, currency: "EUR", customer: { customer_id: "cus_1" }, metadata: {} }],
  ["refund.succeeded", { refund_id: "ref_2", payment_id: "pay_3" }],
  ["dispute.opened", { dispute_id: "dp_1", payment_id: "pay_3", amount: "100" }],
];

const COLUMNS = ["kind", "occurredAt", "metadataTenantId", "checkoutId", "providerCustomerId", "providerSubscriptionId", "providerPaymentId", "providerRefundId", "productId", "quantity", "amountMinor", "currency", "periodEnd"] as const;

describe("inbox backfill (migration 20261207232603)", () => {
  it("fills every normalized column of an old Dodo row as parseWebhook does for the same body", async () => {
    const ids: string[] = [];
    for (const [type, data] of BODIES) {
      const row = await prisma.billingPaymentEvent.create({
        data: { providerEventId: `msg_${randomUUID()}`, type, payload: { business_id: "bus_1", type, timestamp: ts, data } as Prisma.InputJsonObject },
        select: { id: true },
      });
      ids.push(row.id);
    }
    await prisma.$executeRawUnsafe(backfill);
    for (const [i, [type, data]] of BODIES.entries()) {
      const stored = await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { id: ids[i] } });
      const expected = inboxRow("dodo", dodoWebhookEvent("msg", { type, timestamp: new Date(ts), data }), {});
      const pick = (r: Record<string, unknown>) => Object.fromEntries(COLUMNS.map((c) => [c, r[c] ?? null]));
      expect(pick(stored), `${type} ${JSON.stringify(data)}`).toEqual(pick(expected));
    }
  });
});
