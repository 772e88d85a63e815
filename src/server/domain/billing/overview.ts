import { Prisma, type BillingState, type CreditLedgerKind } from "@/generated/prisma/client";
import type { Db } from "@/server/db/client";
import { creditBalance, creditLots } from "@/server/domain/usage/credits";
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
import type { PaymentProvider } from "@/server/providers/payments/types";
import { BILLING_STATES, type BillingMachineState } from "./state-machine";
import { comparePlanChoices, isBillingInterval, isLiveSubscription, type PlanChange, type PlanChoice } from "./subscription-actions";

// Everything the billing page shows, read in one call: plan and state, the catalogue relative to the
// current plan, credit packs, the payment history (from the webhook inbox) and the credit ledger.

export const PAYMENT_HISTORY_LIMIT = 50;
export const LEDGER_ENTRIES_LIMIT = 50;
export const UPCOMING_EXPIRIES_LIMIT = 10;
const PAYMENT_EVENT_TYPES = ["payment.succeeded", "payment.failed", "refund.succeeded"] as const;
type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];
const DAY_MS = 24 * 60 * 60 * 1000;

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

interface PaymentEventData {
  payment_id?: string;
  subscription_id?: string | null;
  product_id?: string;
  product_cart?: { product_id: string }[] | null;
  total_amount?: number;
  amount?: number;
  currency?: string;
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
  const rows = await db.$queryRaw<{ id: string; type: PaymentEventType; payload: { timestamp?: string; data?: PaymentEventData }; received_at: Date }[]>`
    SELECT id, type, payload, received_at FROM (
      SELECT DISTINCT ON (type, COALESCE(payload->'data'->>'refund_id', payload->'data'->>'payment_id'))
        id, type, payload, received_at
      FROM billing_payment_events
      WHERE tenant_id = ${tenantId}
        AND type IN (${Prisma.join(PAYMENT_EVENT_TYPES)})
        AND payload->'data'->>'payment_id' IS NOT NULL
      ORDER BY type, COALESCE(payload->'data'->>'refund_id', payload->'data'->>'payment_id'), received_at DESC
    ) latest
    ORDER BY received_at DESC, id DESC
    LIMIT ${PAYMENT_HISTORY_LIMIT}`;

  const productOfPayment = new Map<string, string>();
  for (const { type, payload } of rows) {
    const data = payload.data ?? {};
    const productId =
      data.product_cart?.[0]?.product_id ??
      data.product_id ??
      (data.subscription_id && data.subscription_id === subscription?.providerSubscriptionId ? subscription.productId : null);
    if (type !== "refund.succeeded" && data.payment_id && productId) productOfPayment.set(data.payment_id, productId);
  }
  const refundedElsewhere = rows
    .filter((r) => r.type === "refund.succeeded" && !productOfPayment.has(r.payload.data!.payment_id!))
    .map((r) => r.payload.data!.payment_id!);
  if (refundedElsewhere.length > 0) {
    const oneTime = await db.billingOneTimePayment.findMany({
      where: { tenantId, providerPaymentId: { in: refundedElsewhere } },
      select: { providerPaymentId: true, productId: true },
    });
    for (const p of oneTime) productOfPayment.set(p.providerPaymentId, p.productId);
  }

  return rows.map(({ id, type, payload, received_at }) => {
    const data = payload.data ?? {};
    const sentAt = payload.timestamp ? new Date(payload.timestamp) : null;
    return {
      id,
      type,
      paymentId: data.payment_id!,
      amount: (type === "refund.succeeded" ? data.amount : data.total_amount) ?? null,
      currency: data.currency ?? null,
      date: sentAt && !Number.isNaN(sentAt.getTime()) ? sentAt : received_at,
      product: catalogueProduct(productOfPayment.get(data.payment_id!)),
    };
  });
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
