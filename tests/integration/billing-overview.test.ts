/**
 * billing.overview: plan, state, trial and the catalogue relative to the current plan; payments from
 * seeded webhook inbox rows (deduplicated, newest first, at most 50, never another tenant's); the credit
 * balance, ledger and upcoming expiries; who may read it.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { prisma } from "@/server/db/client";
import { PAYMENT_HISTORY_LIMIT } from "@/server/domain/billing/overview";
import { signUpAndSignIn } from "../helpers/auth";
import { joinTenant } from "../helpers/tenancy";
import { expectTRPCError } from "../helpers/trpc-errors";
import { dodoInboxRow } from "../helpers/dodo-webhooks";
import { DAY_MS } from "@/lib/time";

const T0 = Date.now() - 5 * DAY_MS;
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

/** A webhook inbox row as receive-webhook.ts stores it, attributed to the tenant as processing does. */
async function inboxRow(tenantId: string | null, type: string, minutes: number, data: Record<string, unknown>) {
  await prisma.billingPaymentEvent.create({
    data: { ...dodoInboxRow(type, at(minutes), data), receivedAt: at(minutes + 1), status: "processed", tenantId },
  });
}

const creditPayment = (tenantId: string, paymentId: string, minutes: number) =>
  inboxRow(tenantId, "payment.succeeded", minutes, {
    payment_id: paymentId,
    total_amount: 1_000,
    currency: "USD",
    metadata: { tenantId },
    product_cart: [{ product_id: "sim_credits_1k", quantity: 1 }],
  });

async function ledger(tenantId: string, entries: { kind: "grant" | "purchase" | "consume" | "refund" | "expire"; amount: number; days: number; expiresInDays?: number }[]) {
  await prisma.tenantCreditLedger.createMany({
    data: entries.map((e) => ({
      tenantId,
      kind: e.kind,
      amount: e.amount,
      reference: `ref_${randomUUID()}`,
      createdAt: new Date(Date.now() + e.days * DAY_MS),
      expiresAt: e.expiresInDays === undefined ? null : new Date(Date.now() + e.expiresInDays * DAY_MS),
    })),
  });
}

describe("billing.overview", () => {
  it("shows a new workspace: the free plan in trial, every paid plan as an upgrade, packs, no payments, no credits", async () => {
    const owner = await signUpAndSignIn();
    const tenant = await prisma.tenant.findUniqueOrThrow({ where: { id: owner.tenantId } });
    const overview = await owner.caller.billing.overview();

    expect(overview).toMatchObject({
      plan: { id: "starter", name: "Starter", interval: null, price: null },
      state: null,
      badge: "trial",
      hasLiveSubscription: false,
      trialEndsAt: tenant.trialEndsAt,
      periodEnd: null,
      cancelAtPeriodEnd: false,
      portalAvailable: false,
      payments: [],
      credits: { balance: 0, entries: [], upcomingExpiries: [] },
    });
    expect(tenant.trialEndsAt).not.toBeNull();
    expect(overview.trialDaysLeft).toBe(Math.ceil((tenant.trialEndsAt!.getTime() - Date.now()) / DAY_MS));
    expect(overview.plans.map((p) => `${p.planId}/${p.interval}:${p.change}:${p.price.amount}`)).toEqual([
      "pro/monthly:upgrade:2900",
      "pro/yearly:upgrade:29000",
      "business/monthly:upgrade:9900",
      "business/yearly:upgrade:99000",
    ]);
    expect(overview.plans.every((p) => p.available)).toBe(true);
    expect(overview.creditPacks.map((p) => [p.packId, p.credits, p.price.amount, p.expiresAfterDays, p.available])).toEqual([
      ["credits-1k", 1_000, 1_000, 365, true],
      ["credits-5k", 5_000, 4_500, 365, true],
      ["credits-20k", 20_000, 16_000, 365, true],
    ]);
  });

  it("shows the subscription, its payments (deduplicated, newest first, with products) and the credit ledger, and nothing of another tenant", async () => {
    const [owner, other] = await Promise.all([signUpAndSignIn({ name: "Overview Owner" }), signUpAndSignIn({ name: "Other Owner" })]);
    const periodEnd = new Date(Date.now() + 20 * DAY_MS);
    const subscriptionId = `sub_${randomUUID()}`;
    await prisma.billingTenantSubscription.create({
      data: { tenantId: owner.tenantId, provider: "dodo", providerSubscriptionId: subscriptionId, productId: "sim_pro_monthly", planId: "pro", interval: "monthly", state: "active", periodEnd },
    });
    await prisma.tenant.update({ where: { id: owner.tenantId }, data: { plan: "pro", billingState: "active" } });
    await prisma.billingCustomer.create({ data: { tenantId: owner.tenantId, provider: "simulator", providerCustomerId: `cus_${randomUUID()}` } });

    const subscriptionPayment = { subscription_id: subscriptionId, total_amount: 2_900, currency: "USD", product_cart: null };
    await inboxRow(owner.tenantId, "payment.succeeded", 0, { payment_id: "pay_sub_1", ...subscriptionPayment });
    await creditPayment(owner.tenantId, "pay_credits_1", 10);
    await creditPayment(owner.tenantId, "pay_credits_1", 11); // a replay of the same payment: one row
    await inboxRow(owner.tenantId, "payment.failed", 20, { payment_id: "pay_sub_2", ...subscriptionPayment });
    await inboxRow(owner.tenantId, "refund.succeeded", 30, { refund_id: "ref_1", payment_id: "pay_credits_1", amount: 300, currency: "USD" });
    await inboxRow(owner.tenantId, "refund.succeeded", 40, { refund_id: "ref_2", payment_id: "pay_credits_1", amount: 200, currency: "USD" });
    await inboxRow(owner.tenantId, "subscription.renewed", 50, { subscription_id: subscriptionId }); // not a payment
    await inboxRow(null, "payment.succeeded", 60, { payment_id: "pay_unattributed", total_amount: 1, currency: "USD" }); // not processed yet
    await creditPayment(other.tenantId, "pay_other_tenant", 70);

    await ledger(owner.tenantId, [
      { kind: "purchase", amount: 5_000, days: -400, expiresInDays: -35 },
      { kind: "grant", amount: 1_000, days: -3 },
      { kind: "purchase", amount: 1_000, days: -2, expiresInDays: 363 },
      { kind: "consume", amount: -200, days: -1 },
      { kind: "refund", amount: -500, days: 0 },
    ]);
    await ledger(other.tenantId, [{ kind: "purchase", amount: 20_000, days: -1, expiresInDays: 364 }]);

    const overview = await owner.caller.billing.overview();

    expect(overview).toMatchObject({
      plan: { id: "pro", name: "Pro", interval: "monthly", price: { amount: 2_900, currency: "USD" } },
      state: "active",
      badge: "active",
      hasLiveSubscription: true,
      trialEndsAt: null,
      trialDaysLeft: null,
      periodEnd,
      cancelAtPeriodEnd: false,
      portalAvailable: true,
    });
    expect(overview.plans.map((p) => `${p.planId}/${p.interval}:${p.change}`)).toEqual([
      "pro/monthly:current",
      "pro/yearly:upgrade",
      "business/monthly:upgrade",
      "business/yearly:upgrade",
    ]);
    expect(overview.payments.map((p) => [p.type, p.paymentId, p.amount, p.currency, p.date.toISOString(), p.product])).toEqual([
      ["refund.succeeded", "pay_credits_1", 200, "USD", at(40).toISOString(), { name: "1,000 AI credits", interval: null }],
      ["refund.succeeded", "pay_credits_1", 300, "USD", at(30).toISOString(), { name: "1,000 AI credits", interval: null }],
      ["payment.failed", "pay_sub_2", 2_900, "USD", at(20).toISOString(), { name: "Pro", interval: "monthly" }],
      ["payment.succeeded", "pay_credits_1", 1_000, "USD", at(11).toISOString(), { name: "1,000 AI credits", interval: null }],
      ["payment.succeeded", "pay_sub_1", 2_900, "USD", at(0).toISOString(), { name: "Pro", interval: "monthly" }],
    ]);

    expect(overview.credits.balance).toBe(5_000 + 1_000 + 1_000 - 200 - 500);
    expect(overview.credits.entries.map((e) => [e.kind, e.amount])).toEqual([
      ["refund", -500],
      ["consume", -200],
      ["purchase", 1_000],
      ["grant", 1_000],
      ["purchase", 5_000],
    ]);
    expect(overview.credits.upcomingExpiries).toEqual([{ id: expect.any(String), amount: 1_000, expiresAt: expect.any(Date) }]);

    const text = JSON.stringify(overview);
    for (const marker of ["pay_other_tenant", "pay_unattributed", other.tenantId]) expect(text).not.toContain(marker);
    const others = await other.caller.billing.overview();
    expect(others.payments.map((p) => p.paymentId)).toEqual(["pay_other_tenant"]);
    expect(others.credits.balance).toBe(20_000);
    expect(others.portalAvailable).toBe(false);
  });

  it("lists at most 50 payments, newest first", async () => {
    const owner = await signUpAndSignIn();
    for (let i = 0; i < PAYMENT_HISTORY_LIMIT + 5; i++) await creditPayment(owner.tenantId, `pay_${String(i).padStart(3, "0")}`, i);
    const { payments } = await owner.caller.billing.overview();
    expect(payments).toHaveLength(PAYMENT_HISTORY_LIMIT);
    expect(payments[0]!.paymentId).toBe("pay_054");
    expect(payments.at(-1)!.paymentId).toBe("pay_005");
  });

  it("shows a canceled subscription until its period end, a trial's days left and the grace end of a past-due one", async () => {
    const owner = await signUpAndSignIn();
    const periodEnd = new Date(Date.now() + 2.5 * DAY_MS);
    await prisma.billingTenantSubscription.create({
      data: { tenantId: owner.tenantId, provider: "dodo", providerSubscriptionId: `sub_${randomUUID()}`, productId: "sim_business_yearly", planId: "business", interval: "yearly", state: "trial", periodEnd },
    });
    await prisma.tenant.update({ where: { id: owner.tenantId }, data: { plan: "business", billingState: "trial" } });
    expect(await owner.caller.billing.overview()).toMatchObject({ state: "trial", trialEndsAt: periodEnd, trialDaysLeft: 3, hasLiveSubscription: true });

    const graceEndsAt = new Date(Date.now() + 4 * DAY_MS);
    await prisma.billingTenantSubscription.update({ where: { tenantId: owner.tenantId }, data: { state: "past_due", graceEndsAt } });
    await prisma.tenant.update({ where: { id: owner.tenantId }, data: { billingState: "past_due", graceEndsAt } });
    expect(await owner.caller.billing.overview()).toMatchObject({ state: "past_due", badge: "past_due", graceEndsAt, trialEndsAt: null });

    await prisma.billingTenantSubscription.update({ where: { tenantId: owner.tenantId }, data: { state: "canceled", cancelAtPeriodEnd: true, graceEndsAt: null } });
    await prisma.tenant.update({ where: { id: owner.tenantId }, data: { billingState: "canceled", graceEndsAt: null } });
    const canceled = await owner.caller.billing.overview();
    expect(canceled).toMatchObject({ state: "canceled", badge: "canceled", cancelAtPeriodEnd: true, periodEnd, hasLiveSubscription: true, plan: { id: "business", interval: "yearly" } });
    expect(canceled.plans.map((p) => p.change)).toEqual(["downgrade", "downgrade", "downgrade", "current"]);

    // After the period end it has ended: back on the free plan, every paid plan a new checkout.
    await prisma.billingTenantSubscription.update({ where: { tenantId: owner.tenantId }, data: { state: "ended" } });
    await prisma.tenant.update({ where: { id: owner.tenantId }, data: { plan: "starter" } });
    const ended = await owner.caller.billing.overview();
    expect(ended).toMatchObject({ state: "ended", hasLiveSubscription: false, plan: { id: "starter", interval: null } });
    expect(ended.plans.every((p) => p.change === "upgrade")).toBe(true);
  });
});

describe("who may read the overview", () => {
  it("members may; guests and roles without billing:read get FORBIDDEN", async () => {
    const owner = await signUpAndSignIn();
    const member = await joinTenant(owner.tenantId, { role: "member" });
    const guest = await joinTenant(owner.tenantId, { role: "guest", memberType: "guest" });
    const role = await owner.caller.iamRoles.create({ name: "Project reader", permissions: ["project:read"] });
    const reader = await joinTenant(owner.tenantId, { role: role.key });

    await expect(member.caller.billing.overview()).resolves.toMatchObject({ plan: { id: "starter" } });
    await expectTRPCError(guest.caller.billing.overview(), "FORBIDDEN", "FORBIDDEN");
    await expectTRPCError(reader.caller.billing.overview(), "FORBIDDEN", "FORBIDDEN");
  });
});
