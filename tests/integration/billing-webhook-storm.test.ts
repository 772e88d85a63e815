/**
 * The webhook storm: a few thousand signed deliveries for 40 tenants through the real route handler,
 * ~30% duplicates (redeliveries of the same webhook-id), shuffled order, a first attempt refused for a
 * bad signature then sent again, and ~10% of events whose processing fails once AFTER its effects were
 * written (a PostgreSQL trigger raises when the inbox row is marked done, rolling the transaction back)
 * and is retried by the job runner. Two runners drain the queue in parallel. The end state must be
 * exact: subscription states, tenant badges, credit ledgers and one-time payments — no double credit,
 * no lost event.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DODO_PAYMENTS_WEBHOOK_KEY = "whsec_dGVzdC13ZWJob29rLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm";
  process.env.DODO_PRODUCT_PRO_MONTHLY = "prod_pro_monthly";
  process.env.DODO_PRODUCT_CREDITS_1K = "prod_credits_1k";
  process.env.DODO_PRODUCT_CREDITS_5K = "prod_credits_5k";
});

import { prisma } from "@/server/db/client";
import "@/server/domain/billing/process-webhook";
import { generateWebhookSecret } from "@/server/providers/payments/webhook-signature";
import {
  DAY,
  creditBalance,
  creditPayment,
  deliverWebhook,
  mulberry32,
  newBareTenant,
  refundEvent,
  runTwoRunners,
  shuffle,
  subscriptionEvent,
  subscriptionPayment,
  type Delivery,
} from "../helpers/dodo-webhooks";

const TENANTS = 40;
const RANDOM_SUBSCRIPTION_EVENTS = 40;
const T0 = Date.now() - 2 * DAY;
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

beforeAll(async () => {
  // Fails the first processing attempt of every msg_flaky_* event at the very end of its transaction,
  // after the state change, ledger entry and notifications were written: they must all roll back.
  await prisma.$executeRawUnsafe(`
    CREATE FUNCTION storm_flaky() RETURNS trigger AS $$
    BEGIN
      IF NEW.provider_event_id LIKE 'msg_flaky_%' AND NEW.status IN ('processed', 'ignored') AND NEW.attempts < 2 THEN
        RAISE EXCEPTION 'injected failure after the effects (attempt %)', NEW.attempts;
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql`);
  await prisma.$executeRawUnsafe(
    `CREATE TRIGGER storm_flaky BEFORE UPDATE ON billing_payment_events FOR EACH ROW EXECUTE FUNCTION storm_flaky()`,
  );
});

afterAll(async () => {
  await prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS storm_flaky ON billing_payment_events`);
  await prisma.$executeRawUnsafe(`DROP FUNCTION IF EXISTS storm_flaky()`);
});

interface Expected {
  state: string;
  badge: string;
  lastEventAt: string;
}

describe("webhook storm", () => {
  it("a few thousand shuffled, duplicated, partly failing deliveries end in exactly the expected states, ledgers and payments", { timeout: 600_000 }, async () => {
    const random = mulberry32(20261126);
    const flaky = (d: Delivery): Delivery => (random() < 0.1 ? { ...d, id: d.id.replace(/^msg_/, "msg_flaky_") } : d);
    const unique: Delivery[] = [];
    const expected = new Map<string, Expected>();
    const subscriptionKinds = ["subscription.active", "subscription.renewed", "subscription.past_due", "subscription.on_hold", "payment.failed", "payment.succeeded"];

    for (let t = 0; t < TENANTS; t++) {
      const tenantId = await newBareTenant();
      const base = t * 200;
      for (let i = 0; i < RANDOM_SUBSCRIPTION_EVENTS; i++) {
        const type = subscriptionKinds[Math.floor(random() * subscriptionKinds.length)]!;
        const timestamp = at(base + i);
        unique.push(
          flaky(
            type === "payment.failed" || type === "payment.succeeded"
              ? subscriptionPayment(type, tenantId, `pay_sub_${t}_${i}`, timestamp)
              : subscriptionEvent(type, tenantId, timestamp),
          ),
        );
      }
      // The newest event decides; every live state accepts it whatever ran before (timers included).
      const last = t % 2 === 0 ? "subscription.renewed" : "subscription.on_hold";
      const lastAt = at(base + RANDOM_SUBSCRIPTION_EVENTS);
      unique.push(flaky(subscriptionEvent(last, tenantId, lastAt)));
      expected.set(tenantId, { state: last === "subscription.renewed" ? "active" : "on_hold", badge: last === "subscription.renewed" ? "active" : "past_due", lastEventAt: lastAt });

      // Three packs (one paid again under a new webhook-id: Dodo's "same payment, new delivery"), a full
      // refund of the first, a half refund of the third: 1,000 + 5,000 + 1,000 - 1,000 - 500 = 5,500.
      const packs = [
        flaky(creditPayment(tenantId, `pay_${t}_a`, "prod_credits_1k", 1_000, at(base + 50))),
        flaky(creditPayment(tenantId, `pay_${t}_b`, "prod_credits_5k", 4_500, at(base + 51))),
        flaky(creditPayment(tenantId, `pay_${t}_c`, "prod_credits_1k", 1_000, at(base + 52))),
      ];
      unique.push(
        ...packs,
        { ...packs[1]!, id: `msg_${randomUUID()}` },
        flaky(refundEvent(tenantId, `ref_${t}_a`, `pay_${t}_a`, 1_000, at(base + 60))),
        flaky(refundEvent(tenantId, `ref_${t}_c`, `pay_${t}_c`, 500, at(base + 61))),
      );
    }
    const duplicates = Array.from({ length: Math.round(unique.length * 0.3) }, () => unique[Math.floor(random() * unique.length)]!);
    const deliveries = shuffle([...unique, ...duplicates], random);
    expect(unique.length).toBe(TENANTS * 47);
    expect(deliveries.length).toBeGreaterThan(2_400);

    // ~3% are first sent with a wrong signature (a proxy mangled them): 401, nothing stored, sent again.
    const wrongSecret = generateWebhookSecret();
    for (let i = 0; i < deliveries.length; i += 25) {
      const statuses = await Promise.all(
        deliveries.slice(i, i + 25).map(async (d) => {
          if (random() < 0.03) expect(await deliverWebhook(d, { secret: wrongSecret })).toBe(401);
          return deliverWebhook(d);
        }),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
    }
    const ids = unique.map((d) => d.id);
    expect(await prisma.billingPaymentEvent.count({ where: { providerEventId: { in: ids } } })).toBe(unique.length);
    expect(await prisma.billingPaymentEvent.count()).toBe(unique.length);

    await runTwoRunners();

    // Every flaky event failed once and was retried; nothing is left failed or unprocessed.
    const flakyCount = ids.filter((id) => id.startsWith("msg_flaky_")).length;
    expect(flakyCount).toBeGreaterThan(100);
    expect(await prisma.billingPaymentEvent.count({ where: { providerEventId: { startsWith: "msg_flaky_" }, attempts: { gte: 2 } } })).toBe(flakyCount);
    expect(await prisma.billingPaymentEvent.count({ where: { status: { notIn: ["processed", "ignored"] } } })).toBe(0);
    expect(await prisma.job.count({ where: { status: { not: "succeeded" } } })).toBe(0);

    for (const [tenantId, want] of expected) {
      const sub = await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId } });
      expect(sub.state, tenantId).toBe(want.state);
      expect(sub.lastEventAt?.toISOString()).toBe(want.lastEventAt);
      const tenant = await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
      expect(tenant.billingState).toBe(want.badge);
      expect(tenant.plan).toBe(want.state === "active" ? "pro" : "starter");
      expect(await creditBalance(tenantId)).toBe(5_500);
      expect(await prisma.tenantCreditLedger.count({ where: { tenantId, kind: "purchase" } })).toBe(3);
      expect(await prisma.tenantCreditLedger.count({ where: { tenantId, kind: "refund" } })).toBe(2);
      const payments = await prisma.billingOneTimePayment.findMany({ where: { tenantId }, orderBy: { providerPaymentId: "asc" } });
      expect(payments.map((p) => p.status)).toEqual(["refunded", "succeeded", "partially_refunded"]);
    }
  });
});
