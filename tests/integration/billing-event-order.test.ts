/**
 * A subscription's final state must not depend on the order its webhooks are processed in (issue 11,
 * finding 3). Each lifecycle's events are delivered through the real route and processed in every
 * permutation (or many seeded shuffles), each on a fresh tenant; every run must end in the state, plan,
 * grace end and period end of the chronological run. Before the fold, a payment.succeeded processed
 * first left the tenant on the free plan, and a payment.failed processed first left it in trial.
 */
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DODO_PAYMENTS_WEBHOOK_KEY = "whsec_dGVzdC13ZWJob29rLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm";
  process.env.DODO_PRODUCT_PRO_MONTHLY = "prod_pro_monthly";
  process.env.DODO_PRODUCT_BUSINESS_MONTHLY = "prod_business_monthly";
});

import { prisma } from "@/server/db/client";
import { processWebhookEvent } from "@/server/domain/billing/process-webhook";
import { DEFAULT_GRACE_DAYS } from "@/server/domain/billing/state-machine";
import { deliverWebhook, dodoEvent, mulberry32, newBareTenant, shuffle, subscriptionEvent, subscriptionPayment, type Delivery } from "../helpers/dodo-webhooks";
import { MINUTE_MS, DAY_MS } from "@/lib/time";

const T0 = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 40 * DAY_MS;
const iso = (ms: number) => new Date(T0 + ms).toISOString();
/** After every event: the processing clock of all runs. */
const NOW = new Date(T0 + 35 * DAY_MS);

type Lifecycle = (tenantId: string) => Delivery[];

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** Delivers a lifecycle for a new tenant and processes its events in `order`; returns what it ended in. */
async function runInOrder(lifecycle: Lifecycle, order: number[]) {
  const tenantId = await newBareTenant();
  const deliveries = lifecycle(tenantId);
  for (const d of deliveries) expect(await deliverWebhook(d)).toBe(200);
  for (const index of order) {
    const row = await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { providerEventId: deliveries[index]!.id } });
    expect(await processWebhookEvent(prisma, row.id, { now: NOW })).toMatchObject({ status: "processed" });
  }
  const sub = await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId } });
  const tenant = await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  return {
    state: sub.state,
    productId: sub.productId,
    planId: sub.planId,
    graceEndsAt: sub.graceEndsAt?.toISOString() ?? null,
    periodEnd: sub.periodEnd?.toISOString() ?? null,
    cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
    lastEventAt: sub.lastEventAt?.toISOString() ?? null,
    badge: tenant.billingState,
    plan: tenant.plan,
    tenantGraceEndsAt: tenant.graceEndsAt?.toISOString() ?? null,
  };
}

const chronological = (n: number) => Array.from({ length: n }, (_, i) => i);

// Renewal paid late: active, paid, the next charge failed, then paid after all.
const recovered: Lifecycle = (tenantId) => [
  subscriptionEvent("subscription.active", tenantId, iso(0)),
  subscriptionPayment("payment.succeeded", tenantId, `pay_${tenantId}_1`, iso(MINUTE_MS)),
  subscriptionPayment("payment.failed", tenantId, `pay_${tenantId}_2`, iso(30 * DAY_MS)),
  subscriptionPayment("payment.succeeded", tenantId, `pay_${tenantId}_3`, iso(31 * DAY_MS)),
];

// A renewal that failed and stays unpaid: past due, grace from the failure.
const pastDue: Lifecycle = (tenantId) => [
  subscriptionEvent("subscription.active", tenantId, iso(0)),
  subscriptionPayment("payment.succeeded", tenantId, `pay_${tenantId}_1`, iso(MINUTE_MS)),
  subscriptionPayment("payment.failed", tenantId, `pay_${tenantId}_2`, iso(32 * DAY_MS)),
];

// An upgrade, then a cancellation at the period end.
const upgradedThenCanceled: Lifecycle = (tenantId) => [
  subscriptionEvent("subscription.active", tenantId, iso(0)),
  subscriptionEvent("subscription.renewed", tenantId, iso(30 * DAY_MS)),
  dodoEvent("subscription.plan_changed", iso(30 * DAY_MS + MINUTE_MS), {
    ...JSON.parse(subscriptionEvent("subscription.active", tenantId, iso(30 * DAY_MS + MINUTE_MS)).body).data,
    product_id: "prod_business_monthly",
  }),
  subscriptionEvent("subscription.updated", tenantId, iso(31 * DAY_MS), {
    status: "active",
    product_id: "prod_business_monthly",
    cancel_at_next_billing_date: true,
    next_billing_date: iso(60 * DAY_MS),
  }),
];

// Long enough that a grace period runs out between two events: suspended, then paid again, then on hold.
const longLife: Lifecycle = (tenantId) => [
  subscriptionEvent("subscription.active", tenantId, iso(0)),
  subscriptionPayment("payment.succeeded", tenantId, `pay_${tenantId}_1`, iso(MINUTE_MS)),
  subscriptionPayment("payment.failed", tenantId, `pay_${tenantId}_2`, iso(2 * DAY_MS)),
  subscriptionPayment("payment.failed", tenantId, `pay_${tenantId}_3`, iso(9 * DAY_MS)),
  subscriptionPayment("payment.succeeded", tenantId, `pay_${tenantId}_4`, iso(12 * DAY_MS)),
  subscriptionEvent("subscription.renewed", tenantId, iso(30 * DAY_MS)),
  subscriptionEvent("subscription.on_hold", tenantId, iso(33 * DAY_MS)),
];

describe("a subscription's events processed in any order", () => {
  it("every order of a recovered renewal ends active on Pro", { timeout: 120_000 }, async () => {
    const want = await runInOrder(recovered, chronological(4));
    expect(want).toMatchObject({ state: "active", planId: "pro", plan: "pro", badge: "active", graceEndsAt: null });
    for (const order of permutations(chronological(4))) expect(await runInOrder(recovered, order), order.join(",")).toEqual(want);
  });

  it("every order of an unpaid renewal ends past due, its grace running from the failure", { timeout: 60_000 }, async () => {
    const want = await runInOrder(pastDue, chronological(3));
    const graceEndsAt = new Date(T0 + 32 * DAY_MS + DEFAULT_GRACE_DAYS * DAY_MS).toISOString();
    expect(want).toMatchObject({ state: "past_due", badge: "past_due", plan: "pro", graceEndsAt, tenantGraceEndsAt: graceEndsAt });
    for (const order of permutations(chronological(3))) expect(await runInOrder(pastDue, order), order.join(",")).toEqual(want);
  });

  it("every order of an upgrade then a cancellation ends canceled on Business until the period end", { timeout: 120_000 }, async () => {
    const want = await runInOrder(upgradedThenCanceled, chronological(4));
    expect(want).toMatchObject({
      state: "canceled",
      cancelAtPeriodEnd: true,
      productId: "prod_business_monthly",
      planId: "business",
      plan: "business",
      periodEnd: iso(60 * DAY_MS),
      badge: "canceled",
    });
    for (const order of permutations(chronological(4))) expect(await runInOrder(upgradedThenCanceled, order), order.join(",")).toEqual(want);
  });

  it("seeded shuffles of a long life with a grace period that ran out in between end on hold", { timeout: 180_000 }, async () => {
    const want = await runInOrder(longLife, chronological(7));
    expect(want).toMatchObject({ state: "on_hold", badge: "past_due", plan: "starter", graceEndsAt: null });
    const random = mulberry32(20261203);
    for (let i = 0; i < 20; i++) {
      const order = shuffle(chronological(7), random);
      expect(await runInOrder(longLife, order), order.join(",")).toEqual(want);
    }
  });
});
