/**
 * billing.changePlan and billing.cancel against a subscription the payment simulator really runs: the
 * tenant checks out through billing.checkout, pays on the simulator, and the subscription record is
 * written as the webhook would write it. Spies on the simulator count provider calls and inject failures.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "@/env";
import { prisma } from "@/server/db/client";
import { completeCheckout } from "@/server/providers/payments/simulator/checkout";
import { setCancelAtPeriodEnd } from "@/server/providers/payments/simulator/subscriptions";
import { comparePlanChoices } from "@/server/domain/billing/subscription-actions";
import type { BillingInterval, PlanId } from "@/server/domain/plans/plans";
import { paymentProvider } from "@/server/providers/payments";
import { findObject } from "@/server/providers/payments/simulator/objects";
import { PaymentProviderError } from "@/server/providers/payments/types";
import { signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { joinTenant } from "../helpers/tenancy";
import { errorShapeOf, expectTRPCError } from "../helpers/trpc-errors";
import { DAY_MS } from "@/lib/time";

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * The owner subscribes to `planId`/`interval` on the simulator; the billing_tenant_subscriptions row is
 * what processing its subscription.active webhook writes. Returns the provider subscription id.
 */
async function subscribe(owner: SignedInUser, planId: PlanId, interval: BillingInterval): Promise<string> {
  const { url } = await owner.caller.billing.checkout({ planId, interval });
  const paid = await completeCheckout({ db: prisma, appUrl: env.APP_URL }, url.split("/").at(-1)!, "pay");
  const subscriptionId = paid.subscriptionId!;
  await prisma.billingTenantSubscription.create({
    data: {
      tenantId: owner.tenantId,
      provider: "dodo",
      providerSubscriptionId: subscriptionId,
      productId: `sim_${planId}_${interval}`,
      planId,
      interval,
      state: "active",
      periodEnd: new Date(Date.now() + 30 * DAY_MS),
    },
  });
  await prisma.tenant.update({ where: { id: owner.tenantId }, data: { plan: planId, billingState: "active" } });
  return subscriptionId;
}

const simulatorSubscription = async (id: string) => (await findObject(prisma, "subscription", id))!;

describe("comparePlanChoices", () => {
  it("ranks plans first, then monthly below yearly; no interval ranks below both", () => {
    expect(comparePlanChoices({ planId: "pro", interval: "monthly" }, { planId: "business", interval: "monthly" })).toBe("upgrade");
    expect(comparePlanChoices({ planId: "pro", interval: "yearly" }, { planId: "business", interval: "monthly" })).toBe("upgrade");
    expect(comparePlanChoices({ planId: "pro", interval: "monthly" }, { planId: "pro", interval: "yearly" })).toBe("upgrade");
    expect(comparePlanChoices({ planId: "pro", interval: "yearly" }, { planId: "pro", interval: "monthly" })).toBe("downgrade");
    expect(comparePlanChoices({ planId: "business", interval: "monthly" }, { planId: "pro", interval: "yearly" })).toBe("downgrade");
    expect(comparePlanChoices({ planId: "pro", interval: "yearly" }, { planId: "pro", interval: "yearly" })).toBe("current");
    expect(comparePlanChoices({ planId: "starter", interval: null }, { planId: "pro", interval: "monthly" })).toBe("upgrade");
  });
});

describe("billing.changePlan", () => {
  it("upgrades with prorated_immediately and writes nothing itself (the new state arrives by webhook)", async () => {
    const owner = await signUpAndSignIn();
    const subscriptionId = await subscribe(owner, "pro", "monthly");
    const before = await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId: owner.tenantId } });
    const spy = vi.spyOn(paymentProvider, "changePlan");

    const result = await owner.caller.billing.changePlan({ planId: "business", interval: "monthly" });

    expect(result).toEqual({ planId: "business", interval: "monthly", change: "upgrade", proration: "prorated_immediately" });
    expect(spy).toHaveBeenCalledOnce();
    expect(spy).toHaveBeenCalledWith(subscriptionId, { productId: "sim_business_monthly", quantity: 1, proration: "prorated_immediately" });
    expect((await simulatorSubscription(subscriptionId)).product_id).toBe("sim_business_monthly");
    expect(await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId: owner.tenantId } })).toEqual(before);
  });

  it("treats monthly -> yearly on the same plan as an upgrade and yearly -> monthly as a downgrade (do_not_bill)", async () => {
    const owner = await signUpAndSignIn();
    await subscribe(owner, "pro", "monthly");
    const spy = vi.spyOn(paymentProvider, "changePlan");
    await expect(owner.caller.billing.changePlan({ planId: "pro", interval: "yearly" })).resolves.toMatchObject({ change: "upgrade", proration: "prorated_immediately" });

    const other = await signUpAndSignIn();
    await subscribe(other, "pro", "yearly");
    await expect(other.caller.billing.changePlan({ planId: "pro", interval: "monthly" })).resolves.toMatchObject({ change: "downgrade", proration: "do_not_bill" });
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it("downgrades with do_not_bill when the tenant's usage fits the smaller plan (deleted projects do not count)", async () => {
    const owner = await signUpAndSignIn();
    await subscribe(owner, "business", "yearly");
    await prisma.project.createMany({
      data: [
        ...Array.from({ length: 50 }, (_, i) => ({ tenantId: owner.tenantId, name: `Live ${i}` })),
        ...Array.from({ length: 5 }, (_, i) => ({ tenantId: owner.tenantId, name: `Deleted ${i}`, deletedAt: new Date() })),
      ],
    });
    const spy = vi.spyOn(paymentProvider, "changePlan");
    await expect(owner.caller.billing.changePlan({ planId: "pro", interval: "yearly" })).resolves.toMatchObject({ change: "downgrade", proration: "do_not_bill" });
    expect(spy.mock.calls[0]![1]).toEqual({ productId: "sim_pro_yearly", quantity: 1, proration: "do_not_bill" });
  });

  it("refuses a downgrade while the tenant has more members, guests and projects than the new plan allows, naming each", async () => {
    const owner = await signUpAndSignIn();
    await subscribe(owner, "business", "monthly");
    // Pro allows 20 members, 20 guests, 50 projects; the owner is the first member.
    const users = Array.from({ length: 40 }, (_, i) => ({ id: randomUUID(), name: `Person ${i}`, email: `person-${randomUUID()}@example.com` }));
    await prisma.user.createMany({ data: users });
    await prisma.tenantMember.createMany({
      data: users.map((u, i) => ({ tenantId: owner.tenantId, userId: u.id, role: i < 20 ? "member" : "guest", memberType: i < 20 ? ("member" as const) : ("guest" as const) })),
    });
    await prisma.project.createMany({ data: Array.from({ length: 52 }, (_, i) => ({ tenantId: owner.tenantId, name: `P ${i}` })) });
    const spy = vi.spyOn(paymentProvider, "changePlan");

    const error = await expectTRPCError(owner.caller.billing.changePlan({ planId: "pro", interval: "monthly" }), "FORBIDDEN", "LIMIT_REACHED");
    expect(error.message).toContain("21 members (Pro allows 20; remove 1)");
    expect(error.message).not.toContain("guests");
    expect(error.message).toContain("52 projects (Pro allows 50; remove 2)");

    await prisma.tenantMember.create({ data: { tenantId: owner.tenantId, userId: (await prisma.user.create({ data: { id: randomUUID(), name: "Guest 21", email: `g-${randomUUID()}@example.com` } })).id, role: "guest", memberType: "guest" } });
    const withGuests = await expectTRPCError(owner.caller.billing.changePlan({ planId: "pro", interval: "monthly" }), "FORBIDDEN", "LIMIT_REACHED");
    expect(withGuests.message).toContain("21 guests (Pro allows 20; remove 1)");
    expect(spy).not.toHaveBeenCalled();

    // An upgrade or a change of interval on the same plan is never limited.
    await expect(owner.caller.billing.changePlan({ planId: "business", interval: "yearly" })).resolves.toMatchObject({ change: "upgrade" });
  });

  it("refuses the current plan, the free plan (cancel instead) and a tenant without a live subscription", async () => {
    const owner = await signUpAndSignIn();
    const spy = vi.spyOn(paymentProvider, "changePlan");
    const none = await expectTRPCError(owner.caller.billing.changePlan({ planId: "pro", interval: "monthly" }), "CONFLICT", "CONFLICT");
    expect(none.message).toMatch(/no subscription yet/);

    await subscribe(owner, "pro", "monthly");
    const same = await expectTRPCError(owner.caller.billing.changePlan({ planId: "pro", interval: "monthly" }), "CONFLICT", "CONFLICT");
    expect(same.message).toMatch(/already on Pro \(monthly\)/);
    const free = await expectTRPCError(owner.caller.billing.changePlan({ planId: "starter", interval: "monthly" }), "BAD_REQUEST", "INVALID_INPUT");
    expect(free.message).toMatch(/cancel the subscription instead/);

    await prisma.billingTenantSubscription.update({ where: { tenantId: owner.tenantId }, data: { state: "ended" } });
    await expectTRPCError(owner.caller.billing.changePlan({ planId: "business", interval: "monthly" }), "CONFLICT", "CONFLICT");
    expect(spy).not.toHaveBeenCalled();
  });

  it("maps provider failures: retryable -> try again, refused -> the provider's message", async () => {
    const owner = await signUpAndSignIn();
    await subscribe(owner, "pro", "monthly");
    const spy = vi.spyOn(paymentProvider, "changePlan");
    spy.mockRejectedValueOnce(new PaymentProviderError("timeout", { retryable: true, provider: "simulator" }));
    await expectTRPCError(owner.caller.billing.changePlan({ planId: "business", interval: "monthly" }), "SERVICE_UNAVAILABLE", "PAYMENT_PROVIDER_UNAVAILABLE");

    // The simulator refuses a plan change of a subscription that is not active.
    await prisma.billingTenantSubscription.update({ where: { tenantId: owner.tenantId }, data: { state: "past_due" } });
    const subscriptionId = (await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId: owner.tenantId } })).providerSubscriptionId;
    await prisma.paymentSimulatorObject.update({
      where: { id: subscriptionId },
      data: { data: { ...(await simulatorSubscription(subscriptionId)), status: "past_due" } },
    });
    const refused = await expectTRPCError(owner.caller.billing.changePlan({ planId: "business", interval: "monthly" }), "BAD_GATEWAY", "PAYMENT_PROVIDER_ERROR");
    expect(refused.message).toMatch(/past_due/);
  });
});

describe("billing.cancel", () => {
  it("records the feedback and cancels at the period end at the provider, once", async () => {
    const owner = await signUpAndSignIn();
    const subscriptionId = await subscribe(owner, "pro", "monthly");
    const spy = vi.spyOn(paymentProvider, "cancelAtPeriodEnd");

    const result = await owner.caller.billing.cancel({ reason: "missing_feature", details: "  We need SSO.  " });

    const subscription = await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId: owner.tenantId } });
    expect(result).toEqual({ endsAt: subscription.periodEnd });
    expect(spy).toHaveBeenCalledOnce();
    expect(spy).toHaveBeenCalledWith(subscriptionId);
    expect((await simulatorSubscription(subscriptionId)).cancel_at_next_billing_date).toBe(true);
    const feedback = await prisma.cancellationFeedback.findMany({ where: { tenantId: owner.tenantId } });
    expect(feedback).toEqual([
      expect.objectContaining({ userId: owner.userId, reason: "missing_feature", details: "We need SSO.", providerSubscriptionId: subscriptionId }),
    ]);
    // The state changes when the provider's webhook arrives, not here.
    expect(subscription).toMatchObject({ state: "active", cancelAtPeriodEnd: false });
  });

  it("cancels once for a double-click: sequential and concurrent requests get CONFLICT after the first", async () => {
    const owner = await signUpAndSignIn();
    await subscribe(owner, "pro", "monthly");
    const spy = vi.spyOn(paymentProvider, "cancelAtPeriodEnd");
    const outcomes = await Promise.allSettled(Array.from({ length: 3 }, () => owner.caller.billing.cancel({ reason: "too_expensive" })));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const again = await expectTRPCError(owner.caller.billing.cancel({ reason: "too_expensive" }), "CONFLICT", "CONFLICT");
    expect(again.message).toMatch(/already requested/);
    expect(spy).toHaveBeenCalledOnce();
    expect(await prisma.cancellationFeedback.count({ where: { tenantId: owner.tenantId } })).toBe(1);
  });

  it("refuses a subscription already set to cancel, and cancels again after it was resumed", async () => {
    const owner = await signUpAndSignIn();
    await subscribe(owner, "pro", "monthly");
    await owner.caller.billing.cancel({ reason: "just_testing" });
    // The provider's webhook arrives: canceled at the period end.
    const periodEnd = new Date(Date.now() + 10 * DAY_MS);
    await prisma.billingTenantSubscription.update({ where: { tenantId: owner.tenantId }, data: { state: "canceled", cancelAtPeriodEnd: true, periodEnd } });
    const error = await expectTRPCError(owner.caller.billing.cancel({ reason: "just_testing" }), "CONFLICT", "CONFLICT");
    expect(error.message).toContain(`already canceled and ends on ${periodEnd.toISOString().slice(0, 10)}`);

    // Resumed in the portal, and its webhook arrived; canceling again is a new request.
    const subscriptionId = (await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId: owner.tenantId } })).providerSubscriptionId;
    await setCancelAtPeriodEnd({ db: prisma, appUrl: env.APP_URL }, subscriptionId, false);
    await prisma.billingTenantSubscription.update({ where: { tenantId: owner.tenantId }, data: { state: "active", cancelAtPeriodEnd: false } });
    await owner.caller.billing.cancel({ reason: "other", details: "Moving to another tool" });
    expect(await prisma.cancellationFeedback.count({ where: { tenantId: owner.tenantId } })).toBe(2);
  });

  it("refuses a tenant without a live subscription", async () => {
    const owner = await signUpAndSignIn();
    await expectTRPCError(owner.caller.billing.cancel({ reason: "too_expensive" }), "CONFLICT", "CONFLICT");
    expect(await prisma.cancellationFeedback.count({ where: { tenantId: owner.tenantId } })).toBe(0);
  });

  it("requires details for reason 'other' (trimmed), at most 1000 characters, and stores none when empty", async () => {
    const owner = await signUpAndSignIn();
    await subscribe(owner, "pro", "monthly");
    const spy = vi.spyOn(paymentProvider, "cancelAtPeriodEnd");
    const missing = await expectTRPCError(owner.caller.billing.cancel({ reason: "other" }), "BAD_REQUEST");
    // In English for API callers, from the catalogue the UI translates (validation.custom.cancelDetailsRequired).
    expect(errorShapeOf(missing).message).toMatch(/^details: Tell us why/);
    await expectTRPCError(owner.caller.billing.cancel({ reason: "other", details: "   " }), "BAD_REQUEST");
    await expectTRPCError(owner.caller.billing.cancel({ reason: "too_expensive", details: "x".repeat(1001) }), "BAD_REQUEST");
    await expectTRPCError(owner.caller.billing.cancel({ reason: "bored" as "other", details: "x" }), "BAD_REQUEST");
    expect(spy).not.toHaveBeenCalled();

    await owner.caller.billing.cancel({ reason: "too_expensive", details: "  " });
    expect(await prisma.cancellationFeedback.findFirstOrThrow({ where: { tenantId: owner.tenantId } })).toMatchObject({ reason: "too_expensive", details: null });
  });

  it("leaves no feedback row when the provider fails, with an error that says to try again; the retry works", async () => {
    const owner = await signUpAndSignIn();
    const subscriptionId = await subscribe(owner, "pro", "monthly");
    const spy = vi.spyOn(paymentProvider, "cancelAtPeriodEnd");
    spy.mockRejectedValueOnce(new PaymentProviderError("503", { retryable: true, status: 503, provider: "simulator" }));

    const error = await expectTRPCError(owner.caller.billing.cancel({ reason: "too_expensive" }), "SERVICE_UNAVAILABLE", "PAYMENT_PROVIDER_UNAVAILABLE");
    expect(error.message).toBe("The payment provider is unavailable, try again in a minute");
    expect(await prisma.cancellationFeedback.count({ where: { tenantId: owner.tenantId } })).toBe(0);
    expect((await simulatorSubscription(subscriptionId)).cancel_at_next_billing_date).toBe(false);

    await owner.caller.billing.cancel({ reason: "too_expensive" });
    expect(await prisma.cancellationFeedback.count({ where: { tenantId: owner.tenantId } })).toBe(1);
    expect(spy).toHaveBeenCalledTimes(2);
  });
});

describe("permissions", () => {
  it("refuses members and guests plan changes and cancellation", async () => {
    const owner = await signUpAndSignIn();
    await subscribe(owner, "pro", "monthly");
    const member = await joinTenant(owner.tenantId, { role: "member" });
    const guest = await joinTenant(owner.tenantId, { role: "guest", memberType: "guest" });
    const changePlan = vi.spyOn(paymentProvider, "changePlan");
    const cancel = vi.spyOn(paymentProvider, "cancelAtPeriodEnd");
    for (const caller of [member.caller, guest.caller]) {
      await expectTRPCError(caller.billing.changePlan({ planId: "business", interval: "monthly" }), "FORBIDDEN", "FORBIDDEN");
      await expectTRPCError(caller.billing.cancel({ reason: "too_expensive" }), "FORBIDDEN", "FORBIDDEN");
    }
    expect(changePlan).not.toHaveBeenCalled();
    expect(cancel).not.toHaveBeenCalled();
    expect(await prisma.cancellationFeedback.count({ where: { tenantId: owner.tenantId } })).toBe(0);
  });
});
