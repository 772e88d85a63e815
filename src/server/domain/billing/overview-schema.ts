import { z } from "zod";
import { BillingState, CreditLedgerKind } from "@/generated/prisma/enums";
import { BILLING_INTERVALS, creditPacks, PLAN_ORDER, type CreditPackId, type Currency } from "@/server/domain/plans/plans";
import type { SameShape } from "@/server/domain/validation";
import type { BillingOverview } from "./overview";
import { BILLING_STATES } from "./state-machine";

const money = z.object({ amount: z.number(), currency: z.literal("USD" satisfies Currency) });
const planId = z.enum(PLAN_ORDER);
const interval = z.enum(BILLING_INTERVALS);

/** billing.overview's answer: everything the billing page renders (BillingOverview). */
export const billingOverviewSchema = z.object({
  plan: z.object({ id: planId, name: z.string(), interval: interval.nullable(), price: money.nullable() }),
  state: z.enum(BILLING_STATES).nullable(),
  badge: z.enum(BillingState),
  hasLiveSubscription: z.boolean(),
  trialEndsAt: z.date().nullable(),
  trialDaysLeft: z.number().nullable(),
  graceEndsAt: z.date().nullable(),
  periodEnd: z.date().nullable(),
  cancelAtPeriodEnd: z.boolean(),
  portalAvailable: z.boolean(),
  plans: z.array(
    z.object({ planId, name: z.string(), interval, price: money, change: z.enum(["current", "upgrade", "downgrade"]), available: z.boolean() }),
  ),
  creditPacks: z.array(
    z.object({
      packId: z.enum(Object.keys(creditPacks) as [CreditPackId, ...CreditPackId[]]),
      name: z.string(),
      credits: z.number(),
      price: money,
      expiresAfterDays: z.number().nullable(),
      available: z.boolean(),
    }),
  ),
  payments: z.array(
    z.object({
      id: z.string(),
      type: z.enum(["payment.succeeded", "payment.failed", "refund.succeeded"]),
      paymentId: z.string(),
      amount: z.number().nullable(),
      currency: z.string().nullable(),
      date: z.date(),
      product: z.object({ name: z.string(), interval: interval.nullable() }).nullable(),
    }),
  ),
  credits: z.object({
    balance: z.number(),
    entries: z.array(z.object({ id: z.string(), kind: z.enum(CreditLedgerKind), amount: z.number(), expiresAt: z.date().nullable(), createdAt: z.date() })),
    upcomingExpiries: z.array(z.object({ id: z.string(), amount: z.number(), expiresAt: z.date() })),
  }),
});

true satisfies SameShape<z.output<typeof billingOverviewSchema>, BillingOverview>;
