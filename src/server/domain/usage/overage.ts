import { z } from "zod";
import type { DbTx } from "@/server/db/client";
import { defineJob } from "@/server/domain/jobs";
import { limitsFor, PLAN_ORDER, plans, usageAddOn, type Money } from "@/server/domain/plans/plans";
import { aggregatePeriod, periodFinalAt } from "./aggregate";
import { previousUsagePeriod, USAGE_METRIC_NAMES, USAGE_METRICS } from "./metrics";

// Overage fees of a closed period: usage of a metered metric beyond the plan's included units, priced
// by the metered add-on (1 USD per started block of 1,000 units), one usage_overage_fees row per
// tenant, metric and period.
//
// Choices:
// - The plan is the tenant's plan when the fee is first computed: the first usage.close-period run
//   after the period is final (its end + the late-event window, i.e. early on the 1st). There is no plan
//   history to look up "the plan at period end"; this is the plan the tenant had then (a change in the
//   first hour of the month is the exception). The row records the plan, and it is never recomputed:
//   later plan changes or runs leave it as it is.
// - No overage (used <= included), a plan without the metered add-on (starter) or no usage at all:
//   no row. usage_overage_fees lists what is owed, so "no row" reads as "nothing owed".

/** Plans that bill usage beyond their included units through the metered add-on. */
export const METERED_PLAN_IDS = PLAN_ORDER.filter((id) => plans[id].meteredUsage);
/** The metrics the add-on bills: those counted against the plan's included usage units. */
export const METERED_METRICS = USAGE_METRIC_NAMES.filter((m) => USAGE_METRICS[m].limit === "usageUnits");

export interface OverageFee {
  overageUnits: bigint;
  amount: Money;
}

/** The add-on's price for `used` units against `included` ones: every started block counts. */
export function overageFee(used: bigint, included: bigint): OverageFee {
  const overageUnits = used > included ? used - included : 0n;
  const perBlock = BigInt(usageAddOn.unitsPerPrice);
  const blocks = (overageUnits + perBlock - 1n) / perBlock;
  return { overageUnits, amount: { amount: Number(blocks) * usageAddOn.unitPrice.amount, currency: usageAddOn.unitPrice.currency } };
}

export interface OverageFeesResult {
  periodStart: Date;
  /** false: the period may still receive late events; nothing was computed. */
  final: boolean;
  /** Fee rows written by this run (a rerun writes none). */
  created: number;
}

const PAGE_SIZE = 500;

/**
 * Closes the previous period's aggregates (through its end) and writes its overage fees. Before the
 * period is final (its end + settle margin + late-event window) it does nothing.
 */
export async function computeOverageFees(db: DbTx, { now }: { now: Date }): Promise<OverageFeesResult> {
  const period = previousUsagePeriod(now);
  if (now.getTime() < periodFinalAt(period).getTime()) return { periodStart: period.start, final: false, created: 0 };
  await aggregatePeriod(db, period, period.end);

  let created = 0;
  let afterId: string | undefined;
  for (;;) {
    const rows = await db.usageAggregate.findMany({
      where: {
        periodStart: period.start,
        metric: { in: METERED_METRICS },
        aggregatedThrough: { gte: period.end },
        tenant: { plan: { in: METERED_PLAN_IDS } },
        ...(afterId ? { id: { gt: afterId } } : {}),
      },
      select: { id: true, tenantId: true, metric: true, units: true, tenant: { select: { plan: true } } },
      orderBy: { id: "asc" },
      take: PAGE_SIZE,
    });
    const fees = rows.flatMap((row) => {
      const included = BigInt(limitsFor(row.tenant.plan).usageUnits);
      const fee = overageFee(row.units, included);
      if (fee.overageUnits === 0n) return [];
      return [
        {
          tenantId: row.tenantId,
          metric: row.metric,
          periodStart: period.start,
          periodEnd: period.end,
          planId: row.tenant.plan,
          includedUnits: included,
          usedUnits: row.units,
          overageUnits: fee.overageUnits,
          amountMinor: fee.amount.amount,
          currency: fee.amount.currency,
        },
      ];
    });
    // The unique (tenant, metric, period) key: a rerun or a second runner adds nothing.
    if (fees.length > 0) created += (await db.usageOverageFee.createMany({ data: fees, skipDuplicates: true })).count;
    if (rows.length < PAGE_SIZE) return { periodStart: period.start, final: true, created };
    afterId = rows[rows.length - 1]!.id;
  }
}

export const closeUsagePeriodJob = defineJob({
  name: "usage.close-period",
  // Daily, so a missed run is made up the next day; 01:15 UTC is after the late-event window of a month
  // that ended at midnight.
  cron: "15 1 * * *",
  parse: (payload) => z.object({ scheduledAt: z.iso.datetime() }).parse(payload),
  run: (_payload, ctx) => computeOverageFees(ctx.db, { now: new Date() }),
  retry: { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 10 * 60_000 },
});
