import type { BillingInterval, Money } from "@/server/domain/plans/plans";

/** An amount in minor units as the formatter's currency input. */
export const majorUnits = (money: Money) => money.amount / 100;

/** The monthly equivalent of a price, for comparing intervals. */
export const perMonth = (money: Money, interval: BillingInterval): Money =>
  interval === "yearly" ? { ...money, amount: Math.round(money.amount / 12) } : money;
