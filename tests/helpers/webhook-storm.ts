/**
 * The webhook storm as a vendor-neutral scenario: what happens (subscription changes, subscription
 * payments, credit packs, refunds) for many tenants, ~30% redelivered, shuffled, ~3% first sent with a bad
 * signature, ~10% failing once after their effects were written (a trigger raises when the inbox row is
 * marked done), drained by two job runners, and the exact end state each tenant must reach. A vendor
 * (`StormVendor`) turns each event into its own signed delivery: the Dodo route and FakePay run the same
 * storm (billing-webhook-storm*.test.ts), so billing's result cannot depend on the vendor's payload shape.
 */
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { prisma } from "@/server/db/client";
import { creditBalance, mulberry32, newBareTenant, runTwoRunners, shuffle } from "./dodo-webhooks";
import { DAY_MS } from "@/lib/time";

export type StormEvent =
  | { type: "subscription"; state: "active" | "renewed" | "past_due" | "on_hold"; tenantId: string; at: Date }
  | { type: "subscription-payment"; succeeded: boolean; tenantId: string; paymentId: string; at: Date }
  | { type: "credit-payment"; pack: "credits-1k" | "credits-5k"; tenantId: string; paymentId: string; amountMinor: number; at: Date }
  | { type: "refund"; tenantId: string; refundId: string; paymentId: string; amountMinor: number; at: Date };

export interface StormVendor {
  /** The delivery body of `event` under the delivery id `id` (the inbox's dedupe key). */
  encode(event: StormEvent, id: string): string;
  /** Delivers a body (signed right unless `badSignature`) to the app's inbox; returns the HTTP status. */
  deliver(id: string, body: string, opts?: { badSignature?: boolean }): Promise<number>;
}

/** Fails the first processing of every msg_flaky_* event at the very end of its transaction. */
export async function installFlakyTrigger(): Promise<void> {
  await prisma.$executeRawUnsafe(`
    CREATE FUNCTION storm_flaky() RETURNS trigger AS $$
    BEGIN
      IF NEW.provider_event_id LIKE 'msg_flaky_%' AND NEW.status IN ('processed', 'ignored') AND NEW.attempts < 2 THEN
        RAISE EXCEPTION 'injected failure after the effects (attempt %)', NEW.attempts;
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql`);
  await prisma.$executeRawUnsafe(`CREATE TRIGGER storm_flaky BEFORE UPDATE ON billing_payment_events FOR EACH ROW EXECUTE FUNCTION storm_flaky()`);
}

export async function removeFlakyTrigger(): Promise<void> {
  await prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS storm_flaky ON billing_payment_events`);
  await prisma.$executeRawUnsafe(`DROP FUNCTION IF EXISTS storm_flaky()`);
}

const RANDOM_SUBSCRIPTION_EVENTS = 40;

/**
 * Runs the storm through `vendor` for `tenants` tenants and checks the end state exactly: subscription
 * states and plans, tenant badges, credit ledgers (1,000 + 5,000 + 1,000 - 1,000 - 500 = 5,500 each) and
 * one-time payments; nothing failed, nothing processed twice.
 */
export async function runWebhookStorm(vendor: StormVendor, opts: { tenants: number; seed: number }): Promise<void> {
  const random = mulberry32(opts.seed);
  const t0 = Date.now() - 2 * DAY_MS;
  const at = (minutes: number) => new Date(t0 + minutes * 60_000);
  const unique: { id: string; body: string }[] = [];
  const add = (event: StormEvent, id = `msg_${random() < 0.1 ? "flaky_" : ""}${randomUUID()}`) => {
    const delivery = { id, body: vendor.encode(event, id) };
    unique.push(delivery);
    return delivery;
  };
  const expected = new Map<string, { state: string; badge: string; lastEventAt: Date }>();
  const states = ["active", "renewed", "past_due", "on_hold"] as const;

  for (let t = 0; t < opts.tenants; t++) {
    const tenantId = await newBareTenant();
    const base = t * 200;
    for (let i = 0; i < RANDOM_SUBSCRIPTION_EVENTS; i++) {
      const pick = Math.floor(random() * 6);
      if (pick < 4) add({ type: "subscription", state: states[pick]!, tenantId, at: at(base + i) });
      else add({ type: "subscription-payment", succeeded: pick === 5, tenantId, paymentId: `pay_sub_${t}_${i}`, at: at(base + i) });
    }
    // The newest event decides; every live state accepts it whatever ran before (timers included).
    const last = t % 2 === 0 ? "renewed" : "on_hold";
    const lastAt = at(base + RANDOM_SUBSCRIPTION_EVENTS);
    add({ type: "subscription", state: last, tenantId, at: lastAt });
    expected.set(tenantId, { state: last === "renewed" ? "active" : "on_hold", badge: last === "renewed" ? "active" : "past_due", lastEventAt: lastAt });

    // Three packs (one paid again under a new delivery id: the vendor's "same payment, new delivery"),
    // a full refund of the first and a half refund of the third.
    add({ type: "credit-payment", pack: "credits-1k", tenantId, paymentId: `pay_${t}_a`, amountMinor: 1_000, at: at(base + 50) });
    const second: StormEvent = { type: "credit-payment", pack: "credits-5k", tenantId, paymentId: `pay_${t}_b`, amountMinor: 4_500, at: at(base + 51) };
    add(second);
    add(second, `msg_${randomUUID()}`);
    add({ type: "credit-payment", pack: "credits-1k", tenantId, paymentId: `pay_${t}_c`, amountMinor: 1_000, at: at(base + 52) });
    add({ type: "refund", tenantId, refundId: `ref_${t}_a`, paymentId: `pay_${t}_a`, amountMinor: 1_000, at: at(base + 60) });
    add({ type: "refund", tenantId, refundId: `ref_${t}_c`, paymentId: `pay_${t}_c`, amountMinor: 500, at: at(base + 61) });
  }
  const duplicates = Array.from({ length: Math.round(unique.length * 0.3) }, () => unique[Math.floor(random() * unique.length)]!);
  const deliveries = shuffle([...unique, ...duplicates], random);
  expect(unique.length).toBe(opts.tenants * 47);

  for (let i = 0; i < deliveries.length; i += 25) {
    const statuses = await Promise.all(
      deliveries.slice(i, i + 25).map(async (d) => {
        // A proxy mangled the first attempt: 401, nothing stored, sent again.
        if (random() < 0.03) expect(await vendor.deliver(d.id, d.body, { badSignature: true })).toBe(401);
        return vendor.deliver(d.id, d.body);
      }),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
  }
  const ids = unique.map((d) => d.id);
  expect(await prisma.billingPaymentEvent.count({ where: { providerEventId: { in: ids } } })).toBe(unique.length);
  expect(await prisma.billingPaymentEvent.count()).toBe(unique.length);

  await runTwoRunners();

  // Every flaky event failed once and was retried; nothing is left failed, waiting or unprocessed.
  const flakyCount = ids.filter((id) => id.startsWith("msg_flaky_")).length;
  expect(flakyCount).toBeGreaterThan(opts.tenants * 2);
  expect(await prisma.billingPaymentEvent.count({ where: { providerEventId: { startsWith: "msg_flaky_" }, attempts: { gte: 2 } } })).toBe(flakyCount);
  expect(await prisma.billingPaymentEvent.count({ where: { status: { notIn: ["processed", "ignored"] } } })).toBe(0);
  expect(await prisma.job.count({ where: { status: { not: "succeeded" } } })).toBe(0);

  for (const [tenantId, want] of expected) {
    const sub = await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId } });
    expect(sub.state, tenantId).toBe(want.state);
    expect(sub.lastEventAt?.toISOString()).toBe(want.lastEventAt.toISOString());
    const tenant = await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    expect(tenant.billingState).toBe(want.badge);
    expect(tenant.plan).toBe(want.state === "active" ? "pro" : "starter");
    expect(await creditBalance(tenantId)).toBe(5_500);
    expect(await prisma.tenantCreditLedger.count({ where: { tenantId, kind: "purchase" } })).toBe(3);
    expect(await prisma.tenantCreditLedger.count({ where: { tenantId, kind: "refund" } })).toBe(2);
    const payments = await prisma.billingOneTimePayment.findMany({ where: { tenantId }, orderBy: { providerPaymentId: "asc" } });
    expect(payments.map((p) => p.status)).toEqual(["refunded", "succeeded", "partially_refunded"]);
  }
}
