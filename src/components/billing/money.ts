import type { useFormatter } from "next-intl";

type Formatter = Pick<ReturnType<typeof useFormatter>, "number">;

/** Formats minor units (cents) as currency, with next-intl's formatter from the server or a component. */
export function formatMoney(format: Formatter, money: { amount: number; currency: string }): string {
  return format.number(money.amount / 100, { style: "currency", currency: money.currency });
}
