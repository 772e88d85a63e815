import { randomUUID } from "node:crypto";
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
import type { CreateCheckoutInput, PaymentEventKind, PaymentProvider } from "@/server/providers/payments/types";
import { ensureBillingCustomer } from "./customers";
import { callPaymentProvider, lockTenantBilling, PROVIDER_TRANSACTION_TIMEOUT_MS, requireProductId } from "./provider-calls";
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
 * CHECKOUT_REUSE_WINDOW_MS, else opens a new one at the provider and records it. Serialized per tenant,
 * so concurrent clicks get the same URL from one provider session. "Open": no payment.succeeded
 * webhook carries its checkoutId yet (a paid session is never handed out again). A provider failure
 * writes no checkout row (the customer, once created at the provider, stays recorded).
 */
async function openCheckout(
  db: Db,
  provider: PaymentProvider,
  input: CheckoutBuyer & Pick<CreateCheckoutInput, "kind" | "productId" | "quantity" | "trialPeriodDays">,
): Promise<{ url: string }> {
  const now = input.now ?? new Date();
  const tenantId = input.tenant.id;
  const customerId = await ensureBillingCustomer(db, provider, { tenantId, tenantName: input.tenant.name, email: input.user.email });

  // Open across the provider call for the same reasons as ensureBillingCustomer's (see there).
  return db.$transaction(
    async (tx) => {
      await lockTenantBilling(tx, tenantId);
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
        if (paid === 0) return { url: recent.checkoutUrl };
      }

      const checkoutId = randomUUID();
      const session = await callPaymentProvider(() =>
        provider.createCheckout({
          kind: input.kind,
          productId: input.productId,
          quantity: input.quantity,
          customer: { customerId },
          returnUrl: input.returnUrl,
          metadata: { tenantId, checkoutId },
          idempotencyKey: checkoutId,
          trialPeriodDays: input.trialPeriodDays,
        }),
      );
      await tx.billingCheckout.create({
        data: {
          id: checkoutId,
          tenantId,
          userId: input.user.id,
          provider: provider.name,
          kind: input.kind,
          productId: input.productId,
          quantity: input.quantity,
          providerSessionId: session.sessionId,
          checkoutUrl: session.checkoutUrl,
          createdAt: now,
        },
      });
      return { url: session.checkoutUrl };
    },
    { timeout: PROVIDER_TRANSACTION_TIMEOUT_MS },
  );
}

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
