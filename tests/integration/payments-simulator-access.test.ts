/**
 * The payment simulator's hosted checkout and portal answer only for the tenant whose billing session
 * opened them (src/server/domain/billing/simulator-access.ts): the pages' check, and the server actions
 * behind their buttons (called as Next calls them, with the request's headers).
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith("DODO_PRODUCT_") || key === "DODO_PAYMENTS_API_KEY") delete process.env[key];
});

// A server action reads the request's headers (the session cookie) through next/headers.
let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

import { completeCheckoutAction, portalAction } from "@/app/[locale]/simulator/actions";
import { prisma } from "@/server/db/client";
import { canOpenSimulatorCheckout, canOpenSimulatorPortal } from "@/server/domain/billing/simulator-access";
import { findObject } from "@/server/providers/payments/simulator/objects";
import { signUpAndSignIn } from "../helpers/auth";
import { joinTenant } from "../helpers/tenancy";

const sessionIdOf = (url: string) => decodeURIComponent(new URL(url).pathname.split("/").at(-1)!);
const customerIdOf = (url: string) => decodeURIComponent(new URL(url).pathname.split("/").at(-1)!);

/** Tenant A's owner opened a checkout and the portal; B owns another tenant; A also has a plain member. */
async function scene() {
  const a = await signUpAndSignIn({ name: "Owner A" });
  const b = await signUpAndSignIn({ name: "Owner B" });
  const sessionId = sessionIdOf((await a.caller.billing.checkout({ planId: "pro", interval: "monthly" })).url);
  const customerId = customerIdOf((await a.caller.billing.portal()).url);
  const aMember = await joinTenant(a.tenantId, { role: "member", name: "Member of A" });
  const aAdmin = await joinTenant(a.tenantId, { role: "admin", name: "Admin of A" });
  return { a, b, aMember, aAdmin, sessionId, customerId };
}

// Four sign-ups (password hashing) per scene: slow on a loaded machine.
const SCENE_TIMEOUT = { timeout: 60_000 };

beforeEach(() => {
  requestHeaders = new Headers();
});

describe("the simulator pages' check", SCENE_TIMEOUT, () => {
  // Read-only tests share one scene.
  let shared: Awaited<ReturnType<typeof scene>>;
  beforeAll(async () => {
    shared = await scene();
  }, 60_000);

  it("opens a checkout only for those who manage the billing of the tenant that opened it", async () => {
    const { a, b, aMember, aAdmin, sessionId } = shared;
    expect(await canOpenSimulatorCheckout(prisma, { userId: a.userId, sessionId })).toBe(true);
    expect(await canOpenSimulatorCheckout(prisma, { userId: aAdmin.user.userId, sessionId })).toBe(true);
    // Another tenant's owner, anonymous visitors and members without billing:manage: 404.
    expect(await canOpenSimulatorCheckout(prisma, { userId: b.userId, sessionId })).toBe(false);
    expect(await canOpenSimulatorCheckout(prisma, { userId: null, sessionId })).toBe(false);
    expect(await canOpenSimulatorCheckout(prisma, { userId: aMember.user.userId, sessionId })).toBe(false);
    // A session the app never opened (made directly at the simulator) belongs to nobody.
    expect(await canOpenSimulatorCheckout(prisma, { userId: a.userId, sessionId: "cks_unknown" })).toBe(false);
  });

  it("opens a customer's portal only for those who manage that tenant's billing", async () => {
    const { a, b, aMember, customerId } = shared;
    expect(await canOpenSimulatorPortal(prisma, { userId: a.userId, customerId })).toBe(true);
    expect(await canOpenSimulatorPortal(prisma, { userId: b.userId, customerId })).toBe(false);
    expect(await canOpenSimulatorPortal(prisma, { userId: null, customerId })).toBe(false);
    expect(await canOpenSimulatorPortal(prisma, { userId: aMember.user.userId, customerId })).toBe(false);
    expect(await canOpenSimulatorPortal(prisma, { userId: a.userId, customerId: "cus_unknown" })).toBe(false);
  });

  it("stops answering when the opener's tenant is deleted or they leave it", async () => {
    const { a, aAdmin, sessionId } = await scene();
    await prisma.tenantMember.delete({ where: { id: aAdmin.memberId } });
    expect(await canOpenSimulatorCheckout(prisma, { userId: aAdmin.user.userId, sessionId })).toBe(false);
    await prisma.tenant.update({ where: { id: a.tenantId }, data: { deletedAt: new Date() } });
    expect(await canOpenSimulatorCheckout(prisma, { userId: a.userId, sessionId })).toBe(false);
  });
});

describe("the simulator's server actions", SCENE_TIMEOUT, () => {
  it("refuse another tenant and anonymous callers as not found, and change nothing", async () => {
    const { a, b, sessionId, customerId } = await scene();
    for (const headers of [b.headers, new Headers()]) {
      requestHeaders = headers;
      expect(await completeCheckoutAction(sessionId, "pay")).toEqual({ ok: false, error: "not_found" });
      expect(await portalAction(customerId, "renew-now", "sub_x")).toEqual({ ok: false, error: "not_found" });
    }
    expect((await findObject(prisma, "checkout_session", sessionId))?.status).toBe("open");

    // The opener pays; then the portal's buttons work for them and still not for B.
    requestHeaders = a.headers;
    const paid = await completeCheckoutAction(sessionId, "pay");
    expect(paid).toMatchObject({ ok: true, redirectUrl: expect.stringContaining("checkout=succeeded") });
    const subscriptionId = (await findObject(prisma, "checkout_session", sessionId))!.subscription_id!;
    requestHeaders = b.headers;
    expect(await portalAction(customerId, "cancel-at-period-end", subscriptionId)).toEqual({ ok: false, error: "not_found" });
    expect((await findObject(prisma, "subscription", subscriptionId))?.cancel_at_next_billing_date).toBe(false);
    requestHeaders = a.headers;
    expect(await portalAction(customerId, "cancel-at-period-end", subscriptionId)).toEqual({ ok: true });
    expect((await findObject(prisma, "subscription", subscriptionId))?.cancel_at_next_billing_date).toBe(true);
  });
});
