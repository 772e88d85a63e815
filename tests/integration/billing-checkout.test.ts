/**
 * billing.checkout, billing.topup and billing.portal against the local payment simulator (the provider
 * the app runs on without a Dodo key), with spies on it to count provider calls and inject failures:
 * one provider customer and one session per double-click (sequential and concurrent), a new session
 * after the reuse window or once the session was paid, refusals, and nothing written when the provider fails.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "@/env";
import { prisma } from "@/server/db/client";
import { CHECKOUT_REUSE_WINDOW_MS, startCreditPackCheckout, startPlanCheckout } from "@/server/domain/billing/checkout";
import { PROVIDER_UNAVAILABLE_MESSAGE } from "@/server/domain/billing/provider-calls";
import { RATE_LIMIT_RULES } from "@/server/domain/rate-limit/rate-limit";
import { paymentProvider } from "@/server/providers/payments";
import { PaymentProviderError } from "@/server/providers/payments/types";
import { callerFor, signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { joinTenant } from "../helpers/tenancy";
import { expectTRPCError } from "../helpers/trpc-errors";
import { dodoInboxRow } from "../helpers/dodo-webhooks";
import { MINUTE_MS, DAY_MS } from "@/lib/time";

const envAtStart = { ...env };
afterEach(() => {
  vi.restoreAllMocks();
  // The app reads product ids from its parsed env (src/env.ts): put back what a test changed.
  for (const key of Object.keys(env) as (keyof typeof env)[]) if (!(key in envAtStart)) delete env[key];
  Object.assign(env, envAtStart);
});

/** Spies on the simulator: the calls go through unless a test makes one fail. */
function spyOnProvider() {
  return {
    createCustomer: vi.spyOn(paymentProvider, "createCustomer"),
    createCheckout: vi.spyOn(paymentProvider, "createCheckout"),
    portalLink: vi.spyOn(paymentProvider, "portalLink"),
  };
}

const rowsOf = async (tenantId: string) => ({
  customers: await prisma.billingCustomer.count({ where: { tenantId } }),
  checkouts: await prisma.billingCheckout.count({ where: { tenantId } }),
});

async function seedSubscription(tenantId: string, state: string, periodEnd: Date | null) {
  await prisma.billingTenantSubscription.create({
    data: { tenantId, provider: "dodo", providerSubscriptionId: `sub_${randomUUID()}`, productId: "sim_pro_monthly", planId: "pro", interval: "monthly", state, periodEnd },
  });
}

/** What the router passes the domain for this user (for the tests that need a controlled clock). */
const buyer = (owner: SignedInUser, now: Date) => ({
  tenant: { id: owner.tenantId, name: "Clocked tenant" },
  user: { id: owner.userId, email: owner.email },
  returnUrl: `${env.APP_URL}/settings/billing`,
  now,
});

describe("billing.checkout", () => {
  it("opens a checkout at the provider for the tenant's customer, with tenantId and checkoutId in the metadata", async () => {
    const owner = await signUpAndSignIn({ name: "Checkout Owner" });
    const spies = spyOnProvider();

    const { url } = await owner.caller.billing.checkout({ planId: "pro", interval: "yearly" });

    expect(url).toMatch(new RegExp(`^${env.APP_URL}/simulator/checkout/cks_`));
    const checkout = await prisma.billingCheckout.findFirstOrThrow({ where: { tenantId: owner.tenantId } });
    const customer = await prisma.billingCustomer.findFirstOrThrow({ where: { tenantId: owner.tenantId } });
    expect(checkout).toMatchObject({ userId: owner.userId, provider: "simulator", kind: "subscription", productId: "sim_pro_yearly", quantity: 1, checkoutUrl: url });
    expect(customer.provider).toBe("simulator");
    expect(spies.createCustomer).toHaveBeenCalledOnce();
    expect(spies.createCustomer.mock.calls[0]![0]).toMatchObject({ email: owner.email, metadata: { tenantId: owner.tenantId } });
    expect(spies.createCheckout).toHaveBeenCalledOnce();
    expect(spies.createCheckout.mock.calls[0]![0]).toMatchObject({
      kind: "subscription",
      productId: "sim_pro_yearly",
      quantity: 1,
      customer: { customerId: customer.providerCustomerId },
      returnUrl: `${env.APP_URL}/settings/billing`,
      metadata: { tenantId: owner.tenantId, checkoutId: checkout.id },
    });
  });

  it("sends German speakers back to /de/settings/billing (input locale, else the NEXT_LOCALE cookie)", async () => {
    const owner = await signUpAndSignIn();
    const spies = spyOnProvider();
    await owner.caller.billing.checkout({ planId: "business", interval: "monthly", locale: "de" });
    expect(spies.createCheckout.mock.calls[0]![0].returnUrl).toBe(`${env.APP_URL}/de/settings/billing`);

    const german = await callerFor(new Headers({ cookie: `${owner.headers.get("cookie")}; NEXT_LOCALE=de` }));
    await german.billing.topup({ packId: "credits-1k", quantity: 1 });
    expect(spies.createCheckout.mock.calls.at(-1)![0].returnUrl).toBe(`${env.APP_URL}/de/settings/billing`);
  });

  it("hands a double-click the same session: one provider customer, one provider session, one row", async () => {
    const owner = await signUpAndSignIn();
    const spies = spyOnProvider();
    const first = await owner.caller.billing.checkout({ planId: "pro", interval: "monthly" });
    const second = await owner.caller.billing.checkout({ planId: "pro", interval: "monthly" });
    expect(second.url).toBe(first.url);
    expect(spies.createCustomer).toHaveBeenCalledOnce();
    expect(spies.createCheckout).toHaveBeenCalledOnce();
    expect(await rowsOf(owner.tenantId)).toEqual({ customers: 1, checkouts: 1 });
  });

  it("gives 5 concurrent clicks one provider customer and one session with the same URL", async () => {
    const owner = await signUpAndSignIn();
    const spies = spyOnProvider();
    const results = await Promise.all(Array.from({ length: 5 }, () => owner.caller.billing.checkout({ planId: "business", interval: "yearly" })));
    expect(new Set(results.map((r) => r.url)).size).toBe(1);
    expect(spies.createCustomer).toHaveBeenCalledOnce();
    expect(spies.createCheckout).toHaveBeenCalledOnce();
    expect(await rowsOf(owner.tenantId)).toEqual({ customers: 1, checkouts: 1 });
  });

  it("opens a new session for another plan or interval", async () => {
    const owner = await signUpAndSignIn();
    const spies = spyOnProvider();
    const monthly = await owner.caller.billing.checkout({ planId: "pro", interval: "monthly" });
    const yearly = await owner.caller.billing.checkout({ planId: "pro", interval: "yearly" });
    expect(yearly.url).not.toBe(monthly.url);
    expect(spies.createCheckout).toHaveBeenCalledTimes(2);
    expect(spies.createCustomer).toHaveBeenCalledOnce();
  });

  it("reuses a session for 30 minutes and opens a new one after that", async () => {
    const owner = await signUpAndSignIn();
    const spies = spyOnProvider();
    const t0 = new Date();
    const input = { ...buyer(owner, t0), planId: "pro" as const, interval: "monthly" as const };

    const first = await startPlanCheckout(prisma, paymentProvider, input);
    const justBefore = await startPlanCheckout(prisma, paymentProvider, { ...input, now: new Date(t0.getTime() + CHECKOUT_REUSE_WINDOW_MS - MINUTE_MS) });
    const after = await startPlanCheckout(prisma, paymentProvider, { ...input, now: new Date(t0.getTime() + CHECKOUT_REUSE_WINDOW_MS + MINUTE_MS) });

    expect(justBefore.url).toBe(first.url);
    expect(after.url).not.toBe(first.url);
    expect(spies.createCheckout).toHaveBeenCalledTimes(2);
    expect(await rowsOf(owner.tenantId)).toEqual({ customers: 1, checkouts: 2 });
  });

  it("refuses the free plan", async () => {
    const owner = await signUpAndSignIn();
    const spies = spyOnProvider();
    const error = await expectTRPCError(owner.caller.billing.checkout({ planId: "starter", interval: "monthly" }), "BAD_REQUEST", "INVALID_INPUT");
    expect(error.message).toMatch(/Starter is free/);
    expect(spies.createCheckout).not.toHaveBeenCalled();
    expect(await rowsOf(owner.tenantId)).toEqual({ customers: 0, checkouts: 0 });
  });

  it("refuses a plan without a product id, naming the env variable to set", async () => {
    const owner = await signUpAndSignIn();
    const spies = spyOnProvider();
    // With a Dodo key, product ids come from env only (no simulator ids); this one is unset.
    Object.assign(env, { DODO_PAYMENTS_API_KEY: "test-key", DODO_PRODUCT_PRO_YEARLY: undefined });
    const error = await expectTRPCError(
      owner.caller.billing.checkout({ planId: "pro", interval: "yearly" }),
      "PRECONDITION_FAILED",
      "BILLING_NOT_CONFIGURED",
    );
    expect(error.message).toMatch(/Pro \(yearly\).*DODO_PRODUCT_PRO_YEARLY/);
    Object.assign(env, { DODO_PRODUCT_CREDITS_5K: undefined });
    const packError = await expectTRPCError(owner.caller.billing.topup({ packId: "credits-5k", quantity: 1 }), "PRECONDITION_FAILED", "BILLING_NOT_CONFIGURED");
    expect(packError.message).toMatch(/DODO_PRODUCT_CREDITS_5K/);
    expect(spies.createCustomer).not.toHaveBeenCalled();
    expect(await rowsOf(owner.tenantId)).toEqual({ customers: 0, checkouts: 0 });
  });

  it("refuses a tenant whose subscription is live (changePlan is the way), also when canceled but not ended", async () => {
    for (const [state, periodEnd] of [
      ["active", new Date(Date.now() + 20 * DAY_MS)],
      ["past_due", new Date(Date.now() + 20 * DAY_MS)],
      ["on_hold", null],
      ["canceled", new Date(Date.now() + DAY_MS)],
    ] as const) {
      const owner = await signUpAndSignIn();
      await seedSubscription(owner.tenantId, state, periodEnd);
      const spies = spyOnProvider();
      const error = await expectTRPCError(owner.caller.billing.checkout({ planId: "business", interval: "monthly" }), "CONFLICT", "CONFLICT");
      expect(error.message, state).toMatch(/change its plan/);
      expect(spies.createCheckout).not.toHaveBeenCalled();
      expect(await prisma.billingCheckout.count({ where: { tenantId: owner.tenantId } })).toBe(0);
      vi.restoreAllMocks();
    }
  });

  it("lets a tenant whose subscription ended subscribe again", async () => {
    const owner = await signUpAndSignIn();
    await seedSubscription(owner.tenantId, "canceled", new Date(Date.now() - DAY_MS));
    await expect(owner.caller.billing.checkout({ planId: "pro", interval: "monthly" })).resolves.toMatchObject({ url: expect.any(String) });
  });

  it("validates the input", async () => {
    const owner = await signUpAndSignIn();
    await expectTRPCError(owner.caller.billing.checkout({ planId: "enterprise" as "pro", interval: "monthly" }), "BAD_REQUEST");
    await expectTRPCError(owner.caller.billing.checkout({ planId: "pro", interval: "weekly" as "monthly" }), "BAD_REQUEST");
  });
});

describe("billing.topup", () => {
  it("dedupes like checkout and keeps quantities apart", async () => {
    const owner = await signUpAndSignIn();
    const spies = spyOnProvider();
    const [a, b] = await Promise.all([
      owner.caller.billing.topup({ packId: "credits-5k", quantity: 2 }),
      owner.caller.billing.topup({ packId: "credits-5k", quantity: 2 }),
    ]);
    expect(a.url).toBe(b.url);
    const three = await owner.caller.billing.topup({ packId: "credits-5k", quantity: 3 });
    expect(three.url).not.toBe(a.url);
    expect(spies.createCheckout).toHaveBeenCalledTimes(2);
    expect(spies.createCheckout.mock.calls[0]![0]).toMatchObject({ kind: "topup", productId: "sim_credits_5k", quantity: 2 });
    expect(spies.createCustomer).toHaveBeenCalledOnce();
  });

  it("opens a new session once the previous one was paid (a payment.succeeded webhook carries its checkoutId)", async () => {
    const owner = await signUpAndSignIn();
    const first = await owner.caller.billing.topup({ packId: "credits-1k", quantity: 1 });
    const checkout = await prisma.billingCheckout.findFirstOrThrow({ where: { tenantId: owner.tenantId } });
    await prisma.billingPaymentEvent.create({
      data: dodoInboxRow("payment.succeeded", new Date(), { payment_id: "pay_1", metadata: { tenantId: owner.tenantId, checkoutId: checkout.id } }),
    });
    const second = await owner.caller.billing.topup({ packId: "credits-1k", quantity: 1 });
    expect(second.url).not.toBe(first.url);
  });

  it("is allowed with a live subscription (credits are separate from the plan)", async () => {
    const owner = await signUpAndSignIn();
    await seedSubscription(owner.tenantId, "past_due", new Date(Date.now() + DAY_MS));
    await expect(owner.caller.billing.topup({ packId: "credits-20k", quantity: 10 })).resolves.toMatchObject({ url: expect.any(String) });
  });

  it("refuses quantities outside 1..10 and unknown packs", async () => {
    const owner = await signUpAndSignIn();
    for (const quantity of [0, 11, 1.5, -1]) {
      await expectTRPCError(owner.caller.billing.topup({ packId: "credits-1k", quantity }), "BAD_REQUEST");
    }
    await expectTRPCError(owner.caller.billing.topup({ packId: "credits-2k" as "credits-1k", quantity: 1 }), "BAD_REQUEST");
    expect(await rowsOf(owner.tenantId)).toEqual({ customers: 0, checkouts: 0 });
  });
});

describe("provider failures write nothing", () => {
  it("a provider outage while creating the customer: a retryable error, no customer row, no checkout row", async () => {
    const owner = await signUpAndSignIn();
    const spies = spyOnProvider();
    spies.createCustomer.mockRejectedValueOnce(new PaymentProviderError("503 from the provider", { retryable: true, status: 503, provider: "simulator" }));
    const error = await expectTRPCError(owner.caller.billing.checkout({ planId: "pro", interval: "monthly" }), "SERVICE_UNAVAILABLE", "PAYMENT_PROVIDER_UNAVAILABLE");
    expect(error.message).toBe(PROVIDER_UNAVAILABLE_MESSAGE);
    expect(spies.createCheckout).not.toHaveBeenCalled();
    expect(await rowsOf(owner.tenantId)).toEqual({ customers: 0, checkouts: 0 });

    // The retry goes through.
    await expect(owner.caller.billing.checkout({ planId: "pro", interval: "monthly" })).resolves.toMatchObject({ url: expect.any(String) });
    expect(await rowsOf(owner.tenantId)).toEqual({ customers: 1, checkouts: 1 });
  });

  it("a refused checkout: the provider's message, no checkout row (the customer the provider created stays recorded)", async () => {
    const owner = await signUpAndSignIn();
    const spies = spyOnProvider();
    spies.createCheckout.mockRejectedValueOnce(new PaymentProviderError("Product sim_pro_monthly is archived", { retryable: false, status: 422, provider: "simulator" }));
    const error = await expectTRPCError(owner.caller.billing.checkout({ planId: "pro", interval: "monthly" }), "BAD_GATEWAY", "PAYMENT_PROVIDER_ERROR");
    expect(error.message).toBe("Product sim_pro_monthly is archived");
    expect(await rowsOf(owner.tenantId)).toEqual({ customers: 1, checkouts: 0 });
    // The next click gets a session for the same customer (no second provider customer).
    await owner.caller.billing.checkout({ planId: "pro", interval: "monthly" });
    expect(spies.createCustomer).toHaveBeenCalledOnce();
    expect(await rowsOf(owner.tenantId)).toEqual({ customers: 1, checkouts: 1 });
  });

  it("a provider outage on top-up: nothing written", async () => {
    const owner = await signUpAndSignIn();
    const spies = spyOnProvider();
    spies.createCustomer.mockRejectedValueOnce(new PaymentProviderError("connection reset", { retryable: true, provider: "simulator" }));
    await expectTRPCError(owner.caller.billing.topup({ packId: "credits-1k", quantity: 1 }), "SERVICE_UNAVAILABLE", "PAYMENT_PROVIDER_UNAVAILABLE");
    expect(await rowsOf(owner.tenantId)).toEqual({ customers: 0, checkouts: 0 });
  });

  it("domain functions take the provider as an argument: a failing one leaves no rows", async () => {
    const owner = await signUpAndSignIn();
    const failing = {
      ...paymentProvider,
      createCheckout: () => Promise.reject(new PaymentProviderError("timeout", { retryable: true, provider: "simulator" })),
    };
    await expect(startCreditPackCheckout(prisma, failing, { ...buyer(owner, new Date()), packId: "credits-1k", quantity: 1 })).rejects.toMatchObject({
      code: "PAYMENT_PROVIDER_UNAVAILABLE",
    });
    expect(await prisma.billingCheckout.count({ where: { tenantId: owner.tenantId } })).toBe(0);
  });
});

describe("billing.portal", () => {
  it("returns the provider's portal link for the tenant's customer, creating the customer once", async () => {
    const owner = await signUpAndSignIn();
    const spies = spyOnProvider();
    const first = await owner.caller.billing.portal();
    const second = await owner.caller.billing.portal({ locale: "de" });
    const customer = await prisma.billingCustomer.findFirstOrThrow({ where: { tenantId: owner.tenantId } });
    expect(first.url).toContain(`/simulator/portal/${customer.providerCustomerId}`);
    expect(spies.createCustomer).toHaveBeenCalledOnce();
    expect(spies.portalLink.mock.calls.map((c) => c[1])).toEqual([`${env.APP_URL}/settings/billing`, `${env.APP_URL}/de/settings/billing`]);
    expect(second.url).toContain(encodeURIComponent("/de/settings/billing"));
  });

  it("maps a portal failure to a retryable error", async () => {
    const owner = await signUpAndSignIn();
    spyOnProvider().portalLink.mockRejectedValueOnce(new PaymentProviderError("502", { retryable: true, status: 502, provider: "simulator" }));
    await expectTRPCError(owner.caller.billing.portal(), "SERVICE_UNAVAILABLE", "PAYMENT_PROVIDER_UNAVAILABLE");
  });
});

describe("rate limit", () => {
  it("refuses a member's billing actions beyond the billing rule's allowance per minute", async () => {
    const owner = await signUpAndSignIn();
    const spies = spyOnProvider();
    for (let i = 0; i < RATE_LIMIT_RULES.billing.max; i++) await owner.caller.billing.topup({ packId: "credits-1k", quantity: 1 });
    await expectTRPCError(owner.caller.billing.portal(), "TOO_MANY_REQUESTS", "RATE_LIMITED");
    expect(spies.createCheckout).toHaveBeenCalledOnce();
    expect(spies.portalLink).not.toHaveBeenCalled();
    // Reading is not limited.
    await expect(owner.caller.billing.overview()).resolves.toBeDefined();
  });
});

describe("permissions", () => {
  it("lets members read but not buy, and refuses guests everything", async () => {
    const owner = await signUpAndSignIn();
    const member = await joinTenant(owner.tenantId, { role: "member" });
    const guest = await joinTenant(owner.tenantId, { role: "guest", memberType: "guest" });
    const spies = spyOnProvider();
    for (const caller of [member.caller, guest.caller]) {
      await expectTRPCError(caller.billing.checkout({ planId: "pro", interval: "monthly" }), "FORBIDDEN", "FORBIDDEN");
      await expectTRPCError(caller.billing.topup({ packId: "credits-1k", quantity: 1 }), "FORBIDDEN", "FORBIDDEN");
      await expectTRPCError(caller.billing.portal(), "FORBIDDEN", "FORBIDDEN");
    }
    expect(spies.createCustomer).not.toHaveBeenCalled();
    expect(await rowsOf(owner.tenantId)).toEqual({ customers: 0, checkouts: 0 });
  });

  it("lets an admin buy for the tenant", async () => {
    const owner = await signUpAndSignIn();
    const admin = await joinTenant(owner.tenantId, { role: "admin" });
    await admin.caller.billing.checkout({ planId: "pro", interval: "monthly" });
    expect(await prisma.billingCheckout.findFirstOrThrow({ where: { tenantId: owner.tenantId } })).toMatchObject({ userId: admin.user.userId });
  });
});
