import { z } from "zod";
import { localeFromHeaders } from "@/i18n/locale-from-request";
import { locales, type Locale } from "@/i18n/routing";
import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import {
  checkoutOutcome,
  creditPackCheckoutInputSchema,
  planCheckoutInputSchema,
  startCreditPackCheckout,
  startPlanCheckout,
} from "@/server/domain/billing/checkout";
import { openCustomerPortal } from "@/server/domain/billing/customers";
import { getBillingOverview } from "@/server/domain/billing/overview";
import { billingOverviewSchema } from "@/server/domain/billing/overview-schema";
import { billingPageUrl } from "@/server/domain/billing/provider-calls";
import {
  cancelSubscription,
  cancelSubscriptionInputSchema,
  changePlanInputSchema,
  changeSubscriptionPlan,
} from "@/server/domain/billing/subscription-actions";
import { isPlanId, plans } from "@/server/domain/plans/plans";
import { entityIdSchema } from "@/server/domain/validation";
import { paymentProvider } from "@/server/providers/payments";

/** The page's language for the provider's return link; the NEXT_LOCALE cookie / Accept-Language when omitted. */
const returnLocale = z.object({ locale: z.enum(locales).optional() });
const returnUrl = (locale: Locale | undefined, headers: Headers) => billingPageUrl(locale ?? localeFromHeaders(headers));

// Actions that may call the payment provider share the "billing" rate limit.
const manageBilling = tenantProcedure("billing:manage", { rateLimit: "billing" });

export const billingRouter = createTRPCRouter({
  /** The active tenant's plan and billing state, for the badge in the app shell. */
  state: tenantProcedure("billing:read").query(({ ctx }) => ({
    plan: ctx.tenant.plan,
    billingState: ctx.tenant.billingState,
    trialEndsAt: ctx.tenant.trialEndsAt,
    graceEndsAt: ctx.tenant.graceEndsAt,
    limits: isPlanId(ctx.tenant.plan) ? plans[ctx.tenant.plan].limits : null,
  })),

  /** Everything the billing page shows. */
  overview: tenantProcedure("billing:read")
    .output(billingOverviewSchema)
    .query(({ ctx }) => getBillingOverview(ctx.db, { tenant: ctx.tenant, providerName: paymentProvider.name })),

  /** Back from a hosted checkout: has the provider confirmed it yet? "unknown": not a checkout of this workspace. */
  checkoutStatus: tenantProcedure("billing:read")
    .input(z.object({ sessionId: entityIdSchema }))
    .query(async ({ ctx, input }) => ({ outcome: (await checkoutOutcome(ctx.db, { tenantId: ctx.tenant.id, sessionId: input.sessionId })) ?? "unknown" })),

  /** A hosted checkout for a paid plan -> { url } to redirect to. */
  checkout: manageBilling.input(planCheckoutInputSchema.extend(returnLocale.shape)).mutation(({ ctx, input }) =>
    startPlanCheckout(ctx.db, paymentProvider, {
      tenant: ctx.tenant,
      user: ctx.user,
      planId: input.planId,
      interval: input.interval,
      returnUrl: returnUrl(input.locale, ctx.headers),
    }),
  ),

  /** A hosted checkout for credit packs -> { url }. */
  topup: manageBilling.input(creditPackCheckoutInputSchema.extend(returnLocale.shape)).mutation(({ ctx, input }) =>
    startCreditPackCheckout(ctx.db, paymentProvider, {
      tenant: ctx.tenant,
      user: ctx.user,
      packId: input.packId,
      quantity: input.quantity,
      returnUrl: returnUrl(input.locale, ctx.headers),
    }),
  ),

  /** Switches the live subscription to another paid plan or interval; the new state arrives by webhook. */
  changePlan: manageBilling
    .input(changePlanInputSchema)
    .mutation(({ ctx, input }) => changeSubscriptionPlan(ctx.db, paymentProvider, { tenantId: ctx.tenant.id, ...input })),

  /** The provider's customer portal (cards, invoices) -> { url }. */
  portal: manageBilling.input(returnLocale.optional()).mutation(({ ctx, input }) =>
    openCustomerPortal(ctx.db, paymentProvider, {
      tenantId: ctx.tenant.id,
      tenantName: ctx.tenant.name,
      email: ctx.user.email,
      returnUrl: returnUrl(input?.locale, ctx.headers),
    }),
  ),

  /** Records why and cancels at the period end; the state becomes "canceled" when the webhook arrives. */
  cancel: manageBilling
    .input(cancelSubscriptionInputSchema)
    .mutation(({ ctx, input }) => cancelSubscription(ctx.db, paymentProvider, { tenantId: ctx.tenant.id, userId: ctx.user.id, ...input })),
});
