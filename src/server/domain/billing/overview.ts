import { Prisma, type BillingState, type CreditLedgerKind } from "@/generated/prisma/client";
import type { Db } from "@/server/db/client";
import { creditBalance, creditLots } from "@/server/domain/credits/ledger";
import {
  BILLING_INTERVALS,
  creditPackProductId,
  creditPacks,
  DEFAULT_PLAN,
  findByProductId,
  isPlanId,
  PLAN_ORDER,
  plans,
  productIdFor,
  usageAddOn,
  type BillingInterval,
  type CreditPackId,
  type Money,
  type PlanId,
} from "@/server/domain/plans/plans";
import type { PaymentEventKind, PaymentProvider } from "@/server/providers/payments";
import { BILLING_STATES, type BillingMachineState } from "./state-machine";
import { comparePlanChoices, isBillingInterval, isLiveSubscription, type PlanChange, type PlanChoice } from "./subscription-actions";
import { DAY_MS } from "@/lib/time";

// Everything the billing page shows, read in one call: plan and state, the catalogue relative to the
// current plan, credit packs, the payment history (from the webhook inbox) and the credit ledger.

export const PAYMENT_HISTORY_LIMIT = 50;
export const LEDGER_ENTRIES_LIMIT = 50;
export const UPCOMING_EXPIRIES_LIMIT = 10;
type PaymentEventType = "payment.succeeded" | "payment.failed" | "refund.succeeded";
/** The inbox kinds the payment history lists, as the history names them (one-time and subscription payments alike). */
const HISTORY_TYPE: Readonly<Partial<Record<PaymentEventKind, PaymentEventType>>> = {
  "payment.succeeded": "payment.succeeded",
  "subscription.payment_succeeded": "payment.succeeded",
  "payment.failed": "payment.failed",
  "subscription.payment_failed": "payment.failed",
  "refund.succeeded": "refund.succeeded",
};

export interface BillingOverviewTenant {
  id: string;
  plan: string;
  billingState: BillingState;
  trialEndsAt: Date | null;
  graceEndsAt: Date | null;
}

export interface CatalogueProductRef {
  name: string;
  /** For a plan; null for credit packs and the usage add-on. */
  interval: BillingInterval | null;
}

export interface BillingOverview {
  /** The plan being billed: the live subscription's, else the tenant's (the free plan: interval and price null). */
  plan: { id: PlanId; name: string; interval: BillingInterval | null; price: Money | null };
  /** The subscription's state machine state (state-machine.ts); null when the tenant never subscribed. */
  state: BillingMachineState | null;
  /** The coarse state for the badge (tenant.billingState). */
  badge: BillingState;
  /** A subscription the provider still runs: plan changes go through changePlan, not checkout. */
  hasLiveSubscription: boolean;
  trialEndsAt: Date | null;
  /** Whole days until trialEndsAt, rounded up; 0 once it has passed. */
  trialDaysLeft: number | null;
  graceEndsAt: Date | null;
  periodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  /** The tenant has a customer at the provider: the customer portal has something to show. */
  portalAvailable: boolean;
  /** Every paid plan and interval, relative to `plan`. `available`: a product id is configured. */
  plans: { planId: PlanId; name: string; interval: BillingInterval; price: Money; change: PlanChange; available: boolean }[];
  creditPacks: { packId: CreditPackId; name: string; credits: number; price: Money; expiresAfterDays: number | null; available: boolean }[];
  /** Newest first, at most PAYMENT_HISTORY_LIMIT; one row per payment (per refund for refunds). */
  payments: {
    id: string;
    type: PaymentEventType;
    paymentId: string;
    /** Minor units: the payment's total, or the refunded amount. */
    amount: number | null;
    currency: string | null;
    date: Date;
    product: CatalogueProductRef | null;
  }[];
  credits: {
    /** The sum of all ledger entries. */
    balance: number;
    /** Newest first, at most LEDGER_ENTRIES_LIMIT. */
    entries: { id: string; kind: CreditLedgerKind; amount: number; expiresAt: Date | null; createdAt: Date }[];
    /** Lots with an expiry and credits left, soonest first: the credits that will expire unless spent. */
    upcomingExpiries: { id: string; amount: number; expiresAt: Date }[];
  };
}

function isMachineState(value: string): value is BillingMachineState {
  return (BILLING_STATES as readonly string[]).includes(value);
}

function catalogueProduct(productId: string | undefined | null): CatalogueProductRef | null {
  const product = productId ? findByProductId(productId) : null;
  if (product?.kind === "plan") return { name: plans[product.planId].name, interval: product.interval };
  if (product?.kind === "credit-pack") return { name: creditPacks[product.packId].name, interval: null };
  if (product?.kind === "usage-add-on") return { name: usageAddOn.name, interval: null };
  return null;
}

/**
 * The tenant's payments from the webhook inbox (rows processing attributed to it). Redeliveries and
 * replays of one payment collapse to its latest row; refunds are keyed by refund_id, so two partial
 * refunds of one payment stay two rows. Subscription payments name no product: the subscription's is used;
 * a refund shows the product of the payment it refunds.
 */
async function listPayments(db: Db, tenantId: string, subscription: { providerSubscriptionId: string; productId: string | null } | null) {
  const rows = await db.$queryRaw<
    { id: string; kind: PaymentEventKind; payment_id: string; subscription_id: string | null; product_id: string | null; amount_minor: number | null; currency: string | null; occurred_at: Date }[]
  >`
    SELECT id, kind, provider_payment_id AS payment_id, provider_subscription_id AS subscription_id, product_id, amount_minor, currency, occurred_at FROM (
      SELECT DISTINCT ON (kind, COALESCE(provider_refund_id, provider_payment_id)) *
      FROM billing_payment_events
      WHERE tenant_id = ${tenantId}
        AND kind IN (${Prisma.join(Object.keys(HISTORY_TYPE))})
        AND provider_payment_id IS NOT NULL
      ORDER BY kind, COALESCE(provider_refund_id, provider_payment_id), received_at DESC
    ) latest
    ORDER BY received_at DESC, id DESC
    LIMIT ${PAYMENT_HISTORY_LIMIT}`;

  const productOfPayment = new Map<string, string>();
  for (const row of rows) {
    const productId = row.product_id ?? (row.subscription_id && row.subscription_id === subscription?.providerSubscriptionId ? subscription.productId : null);
    if (row.kind !== "refund.succeeded" && productId) productOfPayment.set(row.payment_id, productId);
  }
  const refundedElsewhere = rows.filter((r) => r.kind === "refund.succeeded" && !productOfPayment.has(r.payment_id)).map((r) => r.payment_id);
  if (refundedElsewhere.length > 0) {
    const oneTime = await db.billingOneTimePayment.findMany({
      where: { tenantId, providerPaymentId: { in: refundedElsewhere } },
      select: { providerPaymentId: true, productId: true },
    });
    for (const p of oneTime) productOfPayment.set(p.providerPaymentId, p.productId);
  }

  return rows.map((row) => ({
    id: row.id,
    type: HISTORY_TYPE[row.kind]!,
    paymentId: row.payment_id,
    amount: row.amount_minor,
    currency: row.currency,
    date: row.occurred_at,
    product: catalogueProduct(productOfPayment.get(row.payment_id)),
  }));
}

export async function getBillingOverview(
  db: Db,
  input: { tenant: BillingOverviewTenant; providerName: PaymentProvider["name"]; now?: Date },
): Promise<BillingOverview> {
  const { tenant } = input;
  const now = input.now ?? new Date();
  const subscription = await db.billingTenantSubscription.findUnique({ where: { tenantId: tenant.id } });
  const live = subscription !== null && isLiveSubscription(subscription, now) ? subscription : null;

  const current: PlanChoice =
    live?.planId && isPlanId(live.planId) && isBillingInterval(live.interval)
      ? { planId: live.planId, interval: live.interval }
      : { planId: isPlanId(tenant.plan) ? tenant.plan : DEFAULT_PLAN, interval: null };
  const currentPlan = plans[current.planId];

  const trialEndsAt = live?.state === "trial" ? live.periodEnd : tenant.billingState === "trial" ? tenant.trialEndsAt : null;

  // Independent reads: one round trip's wait, not six.
  const [customers, payments, balance, entries, lots] = await Promise.all([
    db.billingCustomer.count({ where: { tenantId: tenant.id, provider: input.providerName } }),
    listPayments(db, tenant.id, subscription),
    creditBalance(db, tenant.id),
    db.tenantCreditLedger.findMany({
      where: { tenantId: tenant.id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: LEDGER_ENTRIES_LIMIT,
      select: { id: true, kind: true, amount: true, expiresAt: true, createdAt: true },
    }),
    creditLots(db, tenant.id, now),
  ]);
  const expiring = lots.flatMap((lot) => (lot.expiresAt ? [{ id: lot.id, amount: lot.remaining, expiresAt: lot.expiresAt }] : [])).slice(0, UPCOMING_EXPIRIES_LIMIT);

  return {
    plan: {
      id: current.planId,
      name: currentPlan.name,
      interval: current.interval,
      price: current.interval && currentPlan.prices ? currentPlan.prices[current.interval] : null,
    },
    state: subscription && isMachineState(subscription.state) ? subscription.state : null,
    badge: tenant.billingState,
    hasLiveSubscription: live !== null,
    trialEndsAt,
    trialDaysLeft: trialEndsAt ? Math.max(0, Math.ceil((trialEndsAt.getTime() - now.getTime()) / DAY_MS)) : null,
    graceEndsAt: tenant.graceEndsAt,
    periodEnd: subscription?.periodEnd ?? null,
    cancelAtPeriodEnd: subscription?.cancelAtPeriodEnd ?? false,
    portalAvailable: customers > 0,
    plans: PLAN_ORDER.flatMap((planId) => {
      const plan = plans[planId];
      if (!plan.prices) return [];
      const prices = plan.prices;
      return BILLING_INTERVALS.map((interval) => ({
        planId,
        name: plan.name,
        interval,
        price: prices[interval],
        change: comparePlanChoices(current, { planId, interval }),
        available: productIdFor(planId, interval) !== null,
      }));
    }),
    creditPacks: (Object.keys(creditPacks) as CreditPackId[]).map((packId) => {
      const pack = creditPacks[packId];
      return {
        packId,
        name: pack.name,
        credits: pack.credits,
        price: pack.price,
        expiresAfterDays: pack.expiresAfterDays,
        available: creditPackProductId(packId) !== null,
      };
    }),
    payments,
    credits: {
      balance,
      entries,
      upcomingExpiries: expiring,
    },
  };
}
