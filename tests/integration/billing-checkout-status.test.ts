/**
 * billing.checkoutStatus: back from the hosted checkout, the page asks whether the provider has confirmed
 * the checkout, by its session id and the checkoutId the webhooks carry in their metadata.
 */
import { describe, expect, it } from "vitest";
import { prisma } from "@/server/db/client";
import { signUpAndSignIn } from "../helpers/auth";
import { dodoInboxRow } from "../helpers/dodo-webhooks";

/** A processed inbox row for this checkout, as the webhook job leaves it. */
async function processedEvent(tenantId: string, type: string, checkoutId: string) {
  await prisma.billingPaymentEvent.create({
    data: { ...dodoInboxRow(type, new Date(), { metadata: { tenantId, checkoutId } }), status: "processed", tenantId },
  });
}

const sessionOf = (url: string) => new URL(url).pathname.split("/").pop()!;

describe("billing.checkoutStatus", () => {
  it("a plan checkout is pending until its subscription.active is processed; a payment alone does not change the plan", async () => {
    const owner = await signUpAndSignIn();
    const { url } = await owner.caller.billing.checkout({ planId: "pro", interval: "monthly" });
    const sessionId = sessionOf(url);
    const checkout = await prisma.billingCheckout.findUniqueOrThrow({ where: { providerSessionId: sessionId } });
    expect(await owner.caller.billing.checkoutStatus({ sessionId })).toEqual({ outcome: "pending" });
    await processedEvent(owner.tenantId, "payment.succeeded", checkout.id);
    expect(await owner.caller.billing.checkoutStatus({ sessionId })).toEqual({ outcome: "pending" });
    await processedEvent(owner.tenantId, "subscription.active", checkout.id);
    expect(await owner.caller.billing.checkoutStatus({ sessionId })).toEqual({ outcome: "succeeded" });
  });

  it("a credit pack is confirmed by its payment; a decline says failed until a later payment succeeds", async () => {
    const owner = await signUpAndSignIn();
    const sessionId = sessionOf((await owner.caller.billing.topup({ packId: "credits-1k", quantity: 1 })).url);
    const checkout = await prisma.billingCheckout.findUniqueOrThrow({ where: { providerSessionId: sessionId } });
    await processedEvent(owner.tenantId, "payment.failed", checkout.id);
    expect(await owner.caller.billing.checkoutStatus({ sessionId })).toEqual({ outcome: "failed" });
    await processedEvent(owner.tenantId, "payment.succeeded", checkout.id);
    expect(await owner.caller.billing.checkoutStatus({ sessionId })).toEqual({ outcome: "succeeded" });
  });

  it("another workspace's session is unknown", async () => {
    const owner = await signUpAndSignIn();
    const other = await signUpAndSignIn();
    const sessionId = sessionOf((await owner.caller.billing.topup({ packId: "credits-1k", quantity: 1 })).url);
    expect(await other.caller.billing.checkoutStatus({ sessionId })).toEqual({ outcome: "unknown" });
    expect(await owner.caller.billing.checkoutStatus({ sessionId: "cks_unknown" })).toEqual({ outcome: "unknown" });
  });
});
