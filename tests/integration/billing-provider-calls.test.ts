/**
 * Billing's provider calls are reserved, made outside any transaction and recorded afterwards
 * (src/server/domain/billing/reserved-provider-call.ts). Here, on the payment simulator: a request that
 * dies between the provider call and recording its result (this app instance loses the database right
 * after the provider answered, as a crash would leave it) is finished by the next request with the same
 * key, giving one provider customer / one checkout session, not two; an answer lost to a timeout is
 * resumed at once; concurrent requests from two app instances get one provider customer and one session.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { env } from "@/env";
import { PrismaClient } from "@/generated/prisma/client";
import { prisma } from "@/server/db/client";
import { CHECKOUT_REUSE_WINDOW_MS, startPlanCheckout } from "@/server/domain/billing/checkout";
import { ensureBillingCustomer } from "@/server/domain/billing/customers";
import { PROVIDER_CALL_LEASE_MS } from "@/server/domain/billing/reserved-provider-call";
import { cancelSubscription } from "@/server/domain/billing/subscription-actions";
import { completeCheckout } from "@/server/providers/payments/simulator/checkout";
import { paymentProvider } from "@/server/providers/payments";
import { findObject, listObjects } from "@/server/providers/payments/simulator/objects";
import { PaymentProviderError, type PaymentProvider } from "@/server/providers/payments/types";
import { signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { startDbOutageProxy, type DbOutageProxy } from "../helpers/db-outage-proxy";
import { DAY_MS } from "@/lib/time";

/** Another app instance: its own pool on the same database. */
const elsewhere = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL!, max: 3 }) });
/** An app instance whose database goes away when a test says so. */
let proxy: DbOutageProxy;
let doomed: PrismaClient;

beforeAll(async () => {
  proxy = await startDbOutageProxy(process.env.DATABASE_URL!);
  doomed = new PrismaClient({ adapter: new PrismaPg({ connectionString: proxy.url, max: 3, connectionTimeoutMillis: 2_000 }) });
});
afterEach(() => {
  vi.restoreAllMocks();
  proxy.restore();
});
afterAll(async () => {
  await doomed.$disconnect();
  await proxy.close();
  await elsewhere.$disconnect();
});

const buyer = (owner: SignedInUser) => ({
  tenant: { id: owner.tenantId, name: "Recovering tenant" },
  user: { id: owner.userId, email: owner.email },
  returnUrl: `${env.APP_URL}/settings/billing`,
});

/** What the simulator holds for the tenant: customers and checkout sessions, by the tenantId in their metadata. */
const simulatorRecords = async (tenantId: string) => ({
  customers: (await listObjects(prisma, "customer", ["metadata", "tenantId"], tenantId)).map((c) => c.customer_id),
  sessions: (await listObjects(prisma, "checkout_session", ["metadata", "tenantId"], tenantId)).map((s) => s.session_id),
});

const appRecords = async (tenantId: string) => ({
  customers: (await prisma.billingCustomer.findMany({ where: { tenantId } })).map((c) => c.providerCustomerId),
  checkouts: (await prisma.billingCheckout.findMany({ where: { tenantId } })).map((c) => c.providerSessionId),
});

/** The simulator, except that the app instance loses its database as soon as `method` has answered. */
function providerThatCrashesAfter(method: "createCustomer" | "createCheckout" | "cancelAtPeriodEnd"): PaymentProvider {
  return {
    ...paymentProvider,
    [method]: async (...args: unknown[]) => {
      const result = await (paymentProvider[method] as (...a: unknown[]) => Promise<unknown>)(...args);
      proxy.cut();
      return result;
    },
  };
}

/** The reservation a dead request left, after its lease ran out (as PROVIDER_CALL_LEASE_MS later). */
async function leaseRunsOut(tenantId: string) {
  const left = await prisma.billingProviderCall.findFirstOrThrow({ where: { tenantId } });
  expect(left.leaseUntil!.getTime()).toBeGreaterThan(Date.now()); // the dead request could not release it
  expect(left.leaseUntil!.getTime()).toBeLessThanOrEqual(Date.now() + PROVIDER_CALL_LEASE_MS);
  await prisma.billingProviderCall.update({ where: { id: left.id }, data: { leaseUntil: new Date(Date.now() - 1) } });
  return left;
}

describe("a request that dies between the provider's answer and recording it", () => {
  it("customer: the next request resumes the call with the same key, one provider customer", async () => {
    const owner = await signUpAndSignIn();
    const who = { tenantId: owner.tenantId, tenantName: "Recovering tenant", email: owner.email };

    await expect(ensureBillingCustomer(doomed, providerThatCrashesAfter("createCustomer"), who)).rejects.toThrow();
    proxy.restore();
    const created = await simulatorRecords(owner.tenantId);
    expect(created.customers).toHaveLength(1); // the provider did create it
    expect(await appRecords(owner.tenantId)).toEqual({ customers: [], checkouts: [] });
    const left = await leaseRunsOut(owner.tenantId);
    expect(left).toMatchObject({ action: "customer", request: { email: owner.email, metadata: { tenantId: owner.tenantId } } });

    // The user tries again (through the API): the stored request goes out again with its key.
    const spy = vi.spyOn(paymentProvider, "createCustomer");
    const { url } = await owner.caller.billing.portal();
    expect(spy).toHaveBeenCalledOnce();
    expect(spy.mock.calls[0]![0]).toMatchObject({ email: owner.email, idempotencyKey: left.id });
    expect(await simulatorRecords(owner.tenantId)).toEqual(created);
    expect(await appRecords(owner.tenantId)).toEqual({ customers: created.customers, checkouts: [] });
    expect(url).toContain(`/simulator/portal/${created.customers[0]}`);
    expect(await prisma.billingProviderCall.count({ where: { tenantId: owner.tenantId } })).toBe(0);
  });

  it("checkout: the retry gets the session the dead request opened, one session and one checkout row", async () => {
    const owner = await signUpAndSignIn();
    const crashed = await startPlanCheckout(doomed, providerThatCrashesAfter("createCheckout"), { ...buyer(owner), planId: "pro", interval: "monthly" }).catch(
      (error: unknown) => error,
    );
    expect(crashed).toBeInstanceOf(Error);
    proxy.restore();
    const opened = await simulatorRecords(owner.tenantId);
    expect(opened.sessions).toHaveLength(1);
    expect((await appRecords(owner.tenantId)).checkouts).toEqual([]);
    const left = await leaseRunsOut(owner.tenantId);

    const spy = vi.spyOn(paymentProvider, "createCheckout");
    const { url } = await owner.caller.billing.checkout({ planId: "pro", interval: "monthly" });
    expect(spy).toHaveBeenCalledOnce();
    expect(spy.mock.calls[0]![0]).toMatchObject({ idempotencyKey: left.id, metadata: { tenantId: owner.tenantId, checkoutId: left.id } });
    expect(await simulatorRecords(owner.tenantId)).toEqual(opened);
    expect(url).toContain(`/simulator/checkout/${opened.sessions[0]}`);
    const checkout = await prisma.billingCheckout.findFirstOrThrow({ where: { tenantId: owner.tenantId } });
    expect(checkout).toMatchObject({ id: left.id, providerSessionId: opened.sessions[0], checkoutUrl: url });
    // The next click reuses it as any open checkout.
    expect(await owner.caller.billing.checkout({ planId: "pro", interval: "monthly" })).toEqual({ url });
    expect(spy).toHaveBeenCalledOnce();
  });

  it("cancel: the retry cancels again (harmless at the provider) and records the feedback once", async () => {
    const owner = await signUpAndSignIn();
    const { url } = await owner.caller.billing.checkout({ planId: "pro", interval: "monthly" });
    const subscriptionId = (await completeCheckout({ db: prisma, appUrl: env.APP_URL }, url.split("/").at(-1)!, "pay")).subscriptionId!;
    await prisma.billingTenantSubscription.create({
      data: { tenantId: owner.tenantId, provider: "dodo", providerSubscriptionId: subscriptionId, productId: "sim_pro_monthly", planId: "pro", interval: "monthly", state: "active", periodEnd: new Date(Date.now() + DAY_MS) },
    });

    const cancel = { tenantId: owner.tenantId, userId: owner.userId, reason: "too_expensive" as const };
    await expect(cancelSubscription(doomed, providerThatCrashesAfter("cancelAtPeriodEnd"), cancel)).rejects.toThrow();
    proxy.restore();
    expect((await findObject(prisma, "subscription", subscriptionId))!.cancel_at_next_billing_date).toBe(true);
    expect(await prisma.cancellationFeedback.count({ where: { tenantId: owner.tenantId } })).toBe(0);
    await leaseRunsOut(owner.tenantId);

    await owner.caller.billing.cancel({ reason: "too_expensive" });
    expect(await prisma.cancellationFeedback.count({ where: { tenantId: owner.tenantId } })).toBe(1);
    expect(await prisma.billingProviderCall.count({ where: { tenantId: owner.tenantId } })).toBe(0);
  });
});

describe("an answer lost to a timeout after the provider acted", () => {
  it("is resumed by the user's retry at once (no lease to wait for), with the same key: one customer, one session", async () => {
    const owner = await signUpAndSignIn();
    const timeout = () => new PaymentProviderError("Dodo Payments could not be reached: timed out", { retryable: true, provider: "simulator" });
    const createCustomer = paymentProvider.createCustomer.bind(paymentProvider);
    const createCheckout = paymentProvider.createCheckout.bind(paymentProvider);
    const customerSpy = vi.spyOn(paymentProvider, "createCustomer").mockImplementationOnce(async (input) => {
      await createCustomer(input);
      throw timeout();
    });
    const checkoutSpy = vi.spyOn(paymentProvider, "createCheckout").mockImplementationOnce(async (input) => {
      await createCheckout(input);
      throw timeout();
    });

    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await owner.caller.billing.checkout({ planId: "business", interval: "monthly" }).catch((e: unknown) => e));
    expect(outcomes.slice(0, 2)).toEqual([
      expect.objectContaining({ code: "SERVICE_UNAVAILABLE" }),
      expect.objectContaining({ code: "SERVICE_UNAVAILABLE" }),
    ]);
    const simulator = await simulatorRecords(owner.tenantId);
    expect(simulator.customers).toHaveLength(1);
    expect(simulator.sessions).toHaveLength(1);
    expect(outcomes[2]).toEqual({ url: expect.stringContaining(`/simulator/checkout/${simulator.sessions[0]}`) });
    expect(await appRecords(owner.tenantId)).toEqual({ customers: simulator.customers, checkouts: simulator.sessions });
    expect(customerSpy.mock.calls.map((c) => c[0].idempotencyKey)).toEqual([expect.any(String), customerSpy.mock.calls[0]![0].idempotencyKey]);
    expect(checkoutSpy.mock.calls.map((c) => c[0].idempotencyKey)).toEqual([expect.any(String), checkoutSpy.mock.calls[0]![0].idempotencyKey]);
  });

  it("a refused call is not resumed: the reservation goes, the next click sends a new request", async () => {
    const owner = await signUpAndSignIn();
    const spy = vi.spyOn(paymentProvider, "createCheckout");
    spy.mockRejectedValueOnce(new PaymentProviderError("Product is archived", { retryable: false, status: 422, provider: "simulator" }));
    await expect(owner.caller.billing.checkout({ planId: "pro", interval: "yearly" })).rejects.toMatchObject({ code: "BAD_GATEWAY" });
    expect(await prisma.billingProviderCall.count({ where: { tenantId: owner.tenantId } })).toBe(0);
    await owner.caller.billing.checkout({ planId: "pro", interval: "yearly" });
    expect(spy.mock.calls[1]![0].idempotencyKey).not.toBe(spy.mock.calls[0]![0].idempotencyKey);
  });

  it("an unfinished checkout older than the reuse window is not resumed but replaced by a new one", async () => {
    const owner = await signUpAndSignIn();
    const createCheckout = paymentProvider.createCheckout.bind(paymentProvider);
    const spy = vi.spyOn(paymentProvider, "createCheckout").mockImplementationOnce(async (input) => {
      await createCheckout(input);
      throw new PaymentProviderError("timed out", { retryable: true, provider: "simulator" });
    });
    await expect(owner.caller.billing.checkout({ planId: "pro", interval: "monthly" })).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    await prisma.billingProviderCall.updateMany({ where: { tenantId: owner.tenantId }, data: { createdAt: new Date(Date.now() - CHECKOUT_REUSE_WINDOW_MS - 1000) } });

    await owner.caller.billing.checkout({ planId: "pro", interval: "monthly" });
    expect(spy.mock.calls[1]![0].idempotencyKey).not.toBe(spy.mock.calls[0]![0].idempotencyKey);
    expect((await simulatorRecords(owner.tenantId)).sessions).toHaveLength(2);
    expect(await prisma.billingCheckout.count({ where: { tenantId: owner.tenantId } })).toBe(1);
  });
});

describe("concurrent requests of one tenant", () => {
  it("from two app instances, while the provider is slow: one provider customer, one session, the same URL for all", async () => {
    const owner = await signUpAndSignIn();
    const slow = <A extends unknown[], R>(call: (...args: A) => Promise<R>) => async (...args: A) => {
      await sleep(500);
      return call(...args);
    };
    const createCustomer = slow(paymentProvider.createCustomer.bind(paymentProvider));
    const createCheckout = slow(paymentProvider.createCheckout.bind(paymentProvider));
    const customerSpy = vi.spyOn(paymentProvider, "createCustomer").mockImplementation(createCustomer);
    const checkoutSpy = vi.spyOn(paymentProvider, "createCheckout").mockImplementation(createCheckout);

    const results = await Promise.all([
      owner.caller.billing.checkout({ planId: "pro", interval: "monthly" }),
      owner.caller.billing.checkout({ planId: "pro", interval: "monthly" }),
      startPlanCheckout(elsewhere, paymentProvider, { ...buyer(owner), planId: "pro", interval: "monthly" }),
      startPlanCheckout(elsewhere, paymentProvider, { ...buyer(owner), planId: "pro", interval: "monthly" }),
    ]);

    expect(new Set(results.map((r) => r.url)).size).toBe(1);
    expect(customerSpy).toHaveBeenCalledOnce();
    expect(checkoutSpy).toHaveBeenCalledOnce();
    const simulator = await simulatorRecords(owner.tenantId);
    expect(simulator.customers).toHaveLength(1);
    expect(simulator.sessions).toHaveLength(1);
    expect(await appRecords(owner.tenantId)).toEqual({ customers: simulator.customers, checkouts: simulator.sessions });
  });

  it("customer creation alone (the portal), from two app instances: one provider customer", async () => {
    const owner = await signUpAndSignIn();
    const spy = vi.spyOn(paymentProvider, "createCustomer");
    const who = { tenantId: owner.tenantId, tenantName: "Twice", email: owner.email };
    const ids = await Promise.all([
      ensureBillingCustomer(prisma, paymentProvider, who),
      ensureBillingCustomer(elsewhere, paymentProvider, who),
      ensureBillingCustomer(elsewhere, paymentProvider, who),
      owner.caller.billing.portal().then(({ url }) => decodeURIComponent(new URL(url).pathname.split("/").at(-1)!)),
    ]);
    expect(new Set(ids).size).toBe(1);
    expect(spy).toHaveBeenCalledOnce();
    expect((await simulatorRecords(owner.tenantId)).customers).toEqual([ids[0]]);
  });
});
