import { z } from "zod";
import type { Db } from "@/server/db/client";
import { AppError } from "@/server/domain/errors";
import {
  BILLING_INTERVALS,
  creditPackProductId,
  creditPacks,
  PLAN_ORDER,
  plans,
  productIdFor,
  type BillingInterval,
  type CreditPackId,
  type PlanId,
} from "@/server/domain/plans/plans";
import type { CheckoutSession, CreateCheckoutInput, PaymentEventKind, PaymentProvider } from "@/server/providers/payments/types";
import { ensureBillingCustomer } from "./customers";
import { requireProductId } from "./provider-calls";
import { runReservedProviderCall } from "./reserved-provider-call";
import { findLiveSubscription } from "./subscription-actions";
import { MINUTE_MS } from "@/lib/time";

// Hosted checkouts at the payment provider: a paid plan (a subscription) or credit packs (a one-time
// payment). The provider has no idempotency key for checkout sessions, so billing_checkouts dedupes: a
// double-click gets the session the first click opened. What was bought arrives by webhook.

/** An unpaid checkout of the same product and quantity opened this recently is handed out again. */
export const CHECKOUT_REUSE_WINDOW_MS = 30 * MINUTE_MS;
export const MAX_CREDIT_PACKS_PER_CHECKOUT = 10;

const creditPackIds = Object.keys(creditPacks) as [CreditPackId, ...CreditPackId[]];

export const planCheckoutInputSchema = z.object({
  planId: z.enum(PLAN_ORDER),
  interval: z.enum(BILLING_INTERVALS),
});

export const creditPackCheckoutInputSchema = z.object({
  packId: z.enum(creditPackIds),
  quantity: z
    .number()
    .int("Buy whole packs")
    .min(1, "Buy at least one pack")
    .max(MAX_CREDIT_PACKS_PER_CHECKOUT, `Buy at most ${MAX_CREDIT_PACKS_PER_CHECKOUT} packs at once`),
});

export interface CheckoutBuyer {
  tenant: { id: string; name: string };
  user: { id: string; email: string };
  /** Where the provider sends the customer back (billingPageUrl). */
  returnUrl: string;
  now?: Date;
}

/**
 * A checkout for a paid plan. Refused for the free plan, a plan without a product id, and a tenant whose
 * subscription is still live (it changes plan instead, so it never pays for two subscriptions).
 */
export async function startPlanCheckout(
  db: Db,
  provider: PaymentProvider,
  input: CheckoutBuyer & { planId: PlanId; interval: BillingInterval },
): Promise<{ url: string }> {
  const plan = plans[input.planId];
  if (!plan.productEnv) {
    throw new AppError("INVALID_INPUT", `${plan.name} is free: there is nothing to buy, pick a paid plan`, {
      key: "billing.freePlanCheckout",
      params: { plan: plan.name },
    });
  }
  const productId = requireProductId(productIdFor(input.planId, input.interval), `${plan.name} (${input.interval})`, plan.productEnv[input.interval]);
  if (await findLiveSubscription(db, input.tenant.id, input.now ?? new Date())) {
    throw new AppError("CONFLICT", "This workspace already has a subscription: change its plan instead of buying a second one", {
      key: "billing.alreadySubscribed",
    });
  }
  return openCheckout(db, provider, {
    ...input,
    kind: "subscription",
    productId,
    quantity: 1,
    trialPeriodDays: plan.trialDays > 0 ? plan.trialDays : undefined,
  });
}

/** A checkout for `quantity` credit packs; allowed in any billing state (credits are separate from the plan). */
export async function startCreditPackCheckout(
  db: Db,
  provider: PaymentProvider,
  input: CheckoutBuyer & { packId: CreditPackId; quantity: number },
): Promise<{ url: string }> {
  const pack = creditPacks[input.packId];
  const productId = requireProductId(creditPackProductId(input.packId), pack.name, pack.productEnv);
  return openCheckout(db, provider, { ...input, kind: "topup", productId });
}

/**
 * Reuses the tenant's open checkout of the same kind, product and quantity from the last
 * CHECKOUT_REUSE_WINDOW_MS, else opens a new one at the provider and records it, without a transaction
 * open across the provider call (reserved-provider-call.ts): concurrent clicks get the same URL from one
 * provider session (one reserves the call, the others wait for its result). "Open": no payment.succeeded
 * webhook carries its checkoutId yet (a paid session is never handed out again). A refusal writes no
 * checkout row (the customer, once created at the provider, stays recorded); a failure or crash after
 * the provider may have opened the session leaves the reservation, which the next click of the same
 * checkout resumes with the same key and request.
 *
 * How far "same key, same session" holds: the simulator derives the session id from the key. Dodo has
 * no idempotency for checkout sessions and no way to look one up by metadata, so a resumed call opens a
 * second session when the first attempt's answer was lost (the SDK's own retry of a timed-out create can
 * too). Its URL never reached anyone, so nobody can pay it; it expires unpaid after 24 hours.
 */
async function openCheckout(
  db: Db,
  provider: PaymentProvider,
  input: CheckoutBuyer & Pick<CreateCheckoutInput, "kind" | "productId" | "quantity" | "trialPeriodDays">,
): Promise<{ url: string }> {
  const now = input.now ?? new Date();
  const tenantId = input.tenant.id;
  const customerId = await ensureBillingCustomer(db, provider, { tenantId, tenantName: input.tenant.name, email: input.user.email });

  return runReservedProviderCall<CheckoutRequest, CheckoutSession, { url: string }>(db, {
    tenantId,
    provider: provider.name,
    unfinished: "resume",
    // A session opened longer ago than the reuse window would not be handed out either.
    resumeWithinMs: CHECKOUT_REUSE_WINDOW_MS,
    async plan(tx) {
      const recent = await tx.billingCheckout.findFirst({
        where: {
          tenantId,
          provider: provider.name,
          kind: input.kind,
          productId: input.productId,
          quantity: input.quantity,
          createdAt: { gt: new Date(now.getTime() - CHECKOUT_REUSE_WINDOW_MS) },
        },
        orderBy: { createdAt: "desc" },
      });
      if (recent) {
        const paid = await tx.billingPaymentEvent.count({
          where: { kind: { in: ["payment.succeeded", "subscription.payment_succeeded"] satisfies PaymentEventKind[] }, checkoutId: recent.id },
        });
        if (paid === 0) return { done: { url: recent.checkoutUrl } };
      }
      const request: CheckoutRequest = {
        kind: input.kind,
        productId: input.productId,
        quantity: input.quantity,
        customer: { customerId },
        returnUrl: input.returnUrl,
        metadata: { tenantId },
        ...(input.trialPeriodDays === undefined ? {} : { trialPeriodDays: input.trialPeriodDays }),
      };
      return { action: `checkout:${input.kind}:${input.productId}:${input.quantity}`, request };
    },
    // The key is also the checkout row's id, which the webhooks of its payment carry back.
    call: (key, request) =>
      provider.createCheckout({ ...request, metadata: { ...request.metadata, checkoutId: key }, idempotencyKey: key }),
    async record(tx, { key, request, response }) {
      await tx.billingCheckout.createMany({
        data: [
          {
            id: key,
            tenantId,
            userId: input.user.id,
            provider: provider.name,
            kind: request.kind,
            productId: request.productId,
            quantity: request.quantity,
            providerSessionId: response.sessionId,
            checkoutUrl: response.checkoutUrl,
            createdAt: now,
          },
        ],
        skipDuplicates: true,
      });
      return { url: (await tx.billingCheckout.findUniqueOrThrow({ where: { id: key }, select: { checkoutUrl: true } })).checkoutUrl };
    },
  });
}

/** What a checkout reservation stores and sends (the key is added at the call). */
type CheckoutRequest = Omit<CreateCheckoutInput, "idempotencyKey" | "customer"> & { customer: { customerId: string } };

export type CheckoutOutcome = "pending" | "succeeded" | "failed";

/**
 * What the provider has confirmed for a checkout this tenant opened, from the processed webhooks that carry
 * its checkoutId: a plan is confirmed by its subscription.active (that is what changes the plan), a credit
 * pack by its payment.succeeded; a payment.failed is a decline. null: no such checkout for this tenant.
 */
export async function checkoutOutcome(db: Db, input: { tenantId: string; sessionId: string }): Promise<CheckoutOutcome | null> {
  const checkout = await db.billingCheckout.findFirst({
    where: { tenantId: input.tenantId, providerSessionId: input.sessionId },
    select: { id: true, kind: true },
  });
  if (!checkout) return null;
  const confirming: PaymentEventKind[] = checkout.kind === "subscription" ? ["subscription.active", "subscription.renewed"] : ["payment.succeeded"];
  const failing: PaymentEventKind[] = ["payment.failed", "subscription.payment_failed"];
  const events = await db.billingPaymentEvent.findMany({
    where: { tenantId: input.tenantId, status: "processed", kind: { in: [...confirming, ...failing] }, checkoutId: checkout.id },
    orderBy: { receivedAt: "desc" },
    select: { kind: true },
  });
  if (events.some((e) => (confirming as string[]).includes(e.kind))) return "succeeded";
  return events.length > 0 ? "failed" : "pending";
}
