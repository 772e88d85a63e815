import {
  creditPacks,
  findByProductId,
  plans,
  type BillingInterval,
  type CreditPackId,
  type PlanId,
} from "@/server/domain/plans/plans";

// What the simulator sells: the app's own plan catalogue, under the ids plans.ts hands out without a
// Dodo API key (sim_pro_monthly, sim_credits_1k, ...). Prices come from the catalogue, as Dodo's come
// from its dashboard.

export type SimulatorProduct =
  | { kind: "plan"; productId: string; planId: PlanId; interval: BillingInterval; name: string; unitAmount: number; currency: string }
  | { kind: "credit-pack"; productId: string; packId: CreditPackId; credits: number; name: string; unitAmount: number; currency: string };

/** The product behind an id, or null when the catalogue has no plan or credit pack with it. */
export function simulatorProduct(productId: string): SimulatorProduct | null {
  const found = findByProductId(productId);
  if (found?.kind === "plan") {
    const plan = plans[found.planId];
    if (!plan.prices) return null;
    const price = plan.prices[found.interval];
    return { kind: "plan", productId, planId: found.planId, interval: found.interval, name: plan.name, unitAmount: price.amount, currency: price.currency };
  }
  if (found?.kind === "credit-pack") {
    const pack = creditPacks[found.packId];
    return { kind: "credit-pack", productId, packId: found.packId, credits: pack.credits, name: pack.name, unitAmount: pack.price.amount, currency: pack.price.currency };
  }
  return null;
}

const daysInUtcMonth = (year: number, month: number) => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

/**
 * One billing period later. Months are calendar months clamped to the month's last day (Jan 31 ->
 * Feb 28/29), so a renewal never skips a month.
 */
export function addBillingPeriod(from: Date, interval: BillingInterval): Date {
  const months = interval === "yearly" ? 12 : 1;
  const total = from.getUTCMonth() + months;
  const year = from.getUTCFullYear() + Math.floor(total / 12);
  const month = total % 12;
  const day = Math.min(from.getUTCDate(), daysInUtcMonth(year, month));
  return new Date(
    Date.UTC(year, month, day, from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds(), from.getUTCMilliseconds()),
  );
}
