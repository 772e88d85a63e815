import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { isPlanId, plans } from "@/server/domain/plans/plans";

// Checkout, webhooks and the billing state machine arrive with the billing issue.
export const billingRouter = createTRPCRouter({
  /** The active tenant's plan and billing state, for the badge in the app shell. */
  state: tenantProcedure("billing:read").query(({ ctx }) => ({
    plan: ctx.tenant.plan,
    billingState: ctx.tenant.billingState,
    trialEndsAt: ctx.tenant.trialEndsAt,
    graceEndsAt: ctx.tenant.graceEndsAt,
    limits: isPlanId(ctx.tenant.plan) ? plans[ctx.tenant.plan].limits : null,
  })),
});
