import { z } from "zod";
import { CancellationReason } from "@/generated/prisma/client";
import type { Db, DbTx } from "@/server/db/client";
import { AppError } from "@/server/domain/errors";
import {
  BILLING_INTERVALS,
  isPlanId,
  PLAN_ORDER,
  plans,
  productIdFor,
  type BillingInterval,
  type PlanId,
} from "@/server/domain/plans/plans";
import type { PaymentProvider, ProrationMode } from "@/server/providers/payments/types";
import { requireProductId } from "./provider-calls";
import { runReservedProviderCall } from "./reserved-provider-call";
import type { BillingMachineState } from "./state-machine";

// Plan changes and cancellation of the tenant's running subscription. These only ask the provider; the
// new state arrives by webhook (process-webhook.ts), so nothing here writes the subscription record.

/** States in which the provider still runs the tenant's subscription (suspended and on_hold: unpaid, not ended). */
const RUNNING_STATES: ReadonlySet<string> = new Set<BillingMachineState>(["trial", "active", "past_due", "suspended", "on_hold"]);

/**
 * Whether the subscription still exists at the provider: running, or canceled but paid until a period end
 * that has not passed. A tenant with one changes its plan instead of opening a second subscription.
 */
export function isLiveSubscription(subscription: { state: string; periodEnd: Date | null }, now: Date): boolean {
  if (RUNNING_STATES.has(subscription.state)) return true;
  return subscription.state === "canceled" && (subscription.periodEnd === null || subscription.periodEnd.getTime() > now.getTime());
}

export async function findLiveSubscription(db: DbTx, tenantId: string, now: Date) {
  const subscription = await db.billingTenantSubscription.findUnique({ where: { tenantId } });
  return subscription && isLiveSubscription(subscription, now) ? subscription : null;
}

async function requireLiveSubscription(db: DbTx, tenantId: string, now: Date) {
  const subscription = await findLiveSubscription(db, tenantId, now);
  if (!subscription) {
    throw new AppError("CONFLICT", "This workspace has no subscription yet: choose a plan to subscribe first", { key: "billing.noSubscription" });
  }
  return subscription;
}

/** A plan and how it is billed; interval null: no paid interval (the free plan, or a plan granted without a subscription). */
export interface PlanChoice {
  planId: PlanId;
  interval: BillingInterval | null;
}

export type PlanChange = "current" | "upgrade" | "downgrade";

/** Moving from `from` to `to`: a higher plan (PLAN_ORDER) is an upgrade; on the same plan, monthly -> yearly is one. */
export function comparePlanChoices(from: PlanChoice, to: PlanChoice): PlanChange {
  const rank = (c: PlanChoice) => [PLAN_ORDER.indexOf(c.planId), c.interval === null ? -1 : BILLING_INTERVALS.indexOf(c.interval)] as const;
  const [fromPlan, fromInterval] = rank(from);
  const [toPlan, toInterval] = rank(to);
  const diff = toPlan !== fromPlan ? toPlan - fromPlan : toInterval - fromInterval;
  return diff === 0 ? "current" : diff > 0 ? "upgrade" : "downgrade";
}

/** Upgrades are charged the prorated difference now; downgrades take effect without a charge (the next renewal bills the new price). */
export const PRORATION_FOR_CHANGE: Readonly<Record<Exclude<PlanChange, "current">, ProrationMode>> = {
  upgrade: "prorated_immediately",
  downgrade: "do_not_bill",
};

/**
 * Refuses a plan whose limits the tenant already exceeds (members, guests, projects not deleted), naming
 * each limit, so a downgrade never leaves a tenant over its plan.
 */
export async function assertUsageFitsPlan(db: DbTx, tenantId: string, planId: PlanId): Promise<void> {
  const { name, limits } = plans[planId];
  const members = await db.tenantMember.count({ where: { tenantId, memberType: "member" } });
  const guests = await db.tenantMember.count({ where: { tenantId, memberType: "guest" } });
  const projects = await db.project.count({ where: { tenantId, deletedAt: null } });
  const over = [
    { used: members, limit: limits.seats, what: "members" },
    { used: guests, limit: limits.guests, what: "guests" },
    { used: projects, limit: limits.projects, what: "projects" },
  ].filter((l) => l.used > l.limit);
  if (over.length > 0) {
    const list = over.map((l) => `${l.used} ${l.what} (${name} allows ${l.limit}; remove ${l.used - l.limit})`);
    // The user is told about the first limit the workspace is over; the log names them all.
    throw new AppError("LIMIT_REACHED", `This workspace has more than ${name} allows: ${list.join(", ")}. Remove them first, then switch plans`, {
      key: "billing.overPlanLimit",
      params: { plan: name, what: over[0]!.what, used: over[0]!.used, limit: over[0]!.limit },
    });
  }
}

export const changePlanInputSchema = z.object({
  planId: z.enum(PLAN_ORDER),
  interval: z.enum(BILLING_INTERVALS),
});

export interface ChangePlanResult {
  planId: PlanId;
  interval: BillingInterval;
  change: Exclude<PlanChange, "current">;
  proration: ProrationMode;
}

/**
 * Switches the tenant's live subscription to another paid plan or interval at the provider. One plan
 * change per subscription at a time, with no transaction open across the provider call
 * (reserved-provider-call.ts): a second click waits for the first call, then is checked again. An
 * unfinished call is replaced, not resumed: setting the plan again does no harm.
 */
export async function changeSubscriptionPlan(
  db: Db,
  provider: PaymentProvider,
  input: { tenantId: string; planId: PlanId; interval: BillingInterval; now?: Date },
): Promise<ChangePlanResult> {
  const target = plans[input.planId];
  if (!target.productEnv) {
    throw new AppError("INVALID_INPUT", `${target.name} is the free plan: cancel the subscription instead (it ends with the paid period)`, {
      key: "billing.freePlanChange",
      params: { plan: target.name },
    });
  }
  const productEnv = target.productEnv;
  return runReservedProviderCall<PlanChangeRequest, void, ChangePlanResult>(db, {
    tenantId: input.tenantId,
    provider: provider.name,
    unfinished: "replace",
    async plan(tx) {
      const subscription = await requireLiveSubscription(tx, input.tenantId, input.now ?? new Date());
      if (!subscription.planId || !isPlanId(subscription.planId) || !isBillingInterval(subscription.interval)) {
        throw new AppError("CONFLICT", "The current subscription is not a plan of the catalogue: contact support to change it", {
          key: "billing.unknownSubscriptionPlan",
        });
      }
      const change = comparePlanChoices({ planId: subscription.planId, interval: subscription.interval }, input);
      if (change === "current") {
        throw new AppError("CONFLICT", `This workspace is already on ${target.name} (${input.interval}): pick another plan or interval`, {
          key: "billing.alreadyOnPlan",
          params: { plan: target.name, interval: input.interval },
        });
      }
      if (change === "downgrade") await assertUsageFitsPlan(tx, input.tenantId, input.planId);
      const productId = requireProductId(productIdFor(input.planId, input.interval), `${target.name} (${input.interval})`, productEnv[input.interval]);
      const request: PlanChangeRequest = { subscriptionId: subscription.providerSubscriptionId, productId, change, proration: PRORATION_FOR_CHANGE[change] };
      return { action: `change-plan:${subscription.providerSubscriptionId}`, request };
    },
    call: (_key, r) => provider.changePlan(r.subscriptionId, { productId: r.productId, quantity: 1, proration: r.proration }),
    // Nothing to write: the new plan arrives by webhook.
    record: async (_tx, { request }) => ({ planId: input.planId, interval: input.interval, change: request.change, proration: request.proration }),
  });
}

interface PlanChangeRequest {
  subscriptionId: string;
  productId: string;
  change: Exclude<PlanChange, "current">;
  proration: ProrationMode;
}

export function isBillingInterval(value: string | null): value is BillingInterval {
  return value !== null && (BILLING_INTERVALS as readonly string[]).includes(value);
}

export { CANCELLATION_DETAILS_MAX, cancelSubscriptionInputSchema } from "./inputs";

/**
 * Asks the provider to end the subscription at the period end and records why the tenant cancels, with
 * no transaction open across the provider call (reserved-provider-call.ts): the feedback row is written
 * once the provider has accepted, so a provider failure leaves none. One cancellation per subscription at
 * a time; a cancellation already requested (feedback newer than the subscription's last change, the
 * provider's confirmation still on its way) is refused, so a double-click cancels once. The state becomes
 * "canceled" when the webhook arrives. An unfinished call (the provider accepted, the feedback was not
 * recorded) is replaced by the next request: canceling again at the provider does no harm.
 */
export async function cancelSubscription(
  db: Db,
  provider: PaymentProvider,
  input: { tenantId: string; userId: string; reason: CancellationReason; details?: string; now?: Date },
): Promise<{ endsAt: Date | null }> {
  const now = input.now ?? new Date();
  return runReservedProviderCall<CancelRequest, void, { endsAt: Date | null }>(db, {
    tenantId: input.tenantId,
    provider: provider.name,
    unfinished: "replace",
    async plan(tx) {
      const subscription = await requireLiveSubscription(tx, input.tenantId, now);
      if (subscription.state === "canceled" || subscription.cancelAtPeriodEnd) {
        const ends = subscription.periodEnd ? ` on ${subscription.periodEnd.toISOString().slice(0, 10)}` : "";
        throw new AppError(
          "CONFLICT",
          `The subscription is already canceled and ends${ends}`,
          subscription.periodEnd ? { key: "billing.alreadyCanceledEnds", params: { date: subscription.periodEnd } } : { key: "billing.alreadyCanceled" },
        );
      }
      const pending = await tx.cancellationFeedback.count({
        where: { tenantId: input.tenantId, providerSubscriptionId: subscription.providerSubscriptionId, createdAt: { gt: subscription.updatedAt } },
      });
      if (pending > 0) {
        throw new AppError("CONFLICT", "Cancellation is already requested: the subscription shows as canceled once the payment provider confirms it", {
          key: "billing.cancellationPending",
        });
      }
      const request: CancelRequest = { subscriptionId: subscription.providerSubscriptionId, periodEnd: subscription.periodEnd?.toISOString() ?? null };
      return { action: `cancel:${subscription.providerSubscriptionId}`, request };
    },
    call: (_key, r) => provider.cancelAtPeriodEnd(r.subscriptionId),
    async record(tx, { key, request }) {
      await tx.cancellationFeedback.createMany({
        data: [
          {
            id: key,
            tenantId: input.tenantId,
            userId: input.userId,
            reason: input.reason,
            details: input.details || null,
            providerSubscriptionId: request.subscriptionId,
            createdAt: now,
          },
        ],
        skipDuplicates: true,
      });
      return { endsAt: request.periodEnd === null ? null : new Date(request.periodEnd) };
    },
  });
}

interface CancelRequest {
  subscriptionId: string;
  /** The paid period's end when the cancellation was asked for (ISO): when the subscription ends. */
  periodEnd: string | null;
}
