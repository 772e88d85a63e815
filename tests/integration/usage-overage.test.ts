/**
 * Overage fees of a closed period with a controlled clock: nothing before the period is final (its end +
 * settle margin + late-event window); then one usage_overage_fees row per tenant and metered metric
 * with the add-on's price per started block of 1,000 units, on metered plans only, priced with the
 * tenant's plan when first computed; reruns, concurrent runs and later plan changes leave it alone. The
 * daily usage.close-period cron job.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { prisma } from "@/server/db/client";
import type { JobDefinition } from "@/server/domain/jobs";
import { setPlan } from "../helpers/tenancy";
import { closeUsagePeriodJob, computeOverageFees, overageFee } from "@/server/domain/usage/overage";
import { periodFinalAt } from "@/server/domain/usage/aggregate";
import type { UsageMetric } from "@/server/domain/usage/metrics";
import type { PlanId } from "@/server/domain/plans/plans";
import { addUsageEvents, planTenant, runCronJob } from "../helpers/usage-jobs";
import { MINUTE_MS } from "@/lib/time";

const JAN_START = new Date(Date.UTC(2026, 0, 1));
const FEB_START = new Date(Date.UTC(2026, 1, 1));
const JAN = { start: JAN_START, end: FEB_START };
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

/** A tenant on `plan` with `units` of `metric` spread over January (in blocks of at most 1,000). */
async function tenantUsing(plan: PlanId, units: number, metric: UsageMetric = "api_calls") {
  const tenantId = await planTenant(plan);
  const events = [];
  for (let left = units, i = 0; left > 0; left -= 1_000, i++) events.push({ occurredAt: at(JAN_START, i * 7 * MINUTE_MS), units: Math.min(1_000, left), metric });
  await addUsageEvents(tenantId, events);
  return tenantId;
}

const feesOf = (tenantId: string) => prisma.usageOverageFee.findMany({ where: { tenantId } });

afterEach(() => {
  vi.useRealTimers();
});

describe("overageFee", () => {
  it("charges 1 USD per started block of 1,000 units beyond the included ones", () => {
    const cents = (used: number, included: number) => overageFee(BigInt(used), BigInt(included)).amount.amount;
    expect(cents(40_000, 50_000)).toBe(0);
    expect(cents(50_000, 50_000)).toBe(0);
    expect(cents(50_001, 50_000)).toBe(100);
    expect(cents(51_000, 50_000)).toBe(100);
    expect(cents(51_001, 50_000)).toBe(200);
    expect(overageFee(52_500n, 50_000n)).toEqual({ overageUnits: 2_500n, amount: { amount: 300, currency: "USD" } });
  });
});

describe("computeOverageFees", () => {
  it("bills the closed period once per tenant and metric, on metered plans only", async () => {
    const pro = await tenantUsing("pro", 52_500);
    const proExact = await tenantUsing("pro", 50_000);
    const proOneOver = await tenantUsing("pro", 50_001);
    const business = await tenantUsing("business", 600_000);
    const starter = await tenantUsing("starter", 5_000);
    const proAi = await tenantUsing("pro", 60_000, "ai_credits");
    // February's usage belongs to February.
    await addUsageEvents(pro, [{ occurredAt: FEB_START, units: 9_000 }]);

    // Not final yet: late events may still arrive.
    for (const now of [at(FEB_START, 30 * MINUTE_MS), at(periodFinalAt(JAN), -1)]) {
      expect(await computeOverageFees(prisma, { now })).toEqual({ periodStart: JAN_START, final: false, created: 0 });
    }
    expect(await prisma.usageOverageFee.count()).toBe(0);

    // Final: the aggregates are closed through the period's end and the fees written (no aggregation run needed first).
    const now = periodFinalAt(JAN);
    expect(await computeOverageFees(prisma, { now })).toEqual({ periodStart: JAN_START, final: true, created: 3 });
    expect(await feesOf(pro)).toMatchObject([
      {
        metric: "api_calls",
        periodStart: JAN_START,
        periodEnd: FEB_START,
        planId: "pro",
        includedUnits: 50_000n,
        usedUnits: 52_500n,
        overageUnits: 2_500n,
        amountMinor: 300,
        currency: "USD",
      },
    ]);
    expect(await feesOf(proOneOver)).toMatchObject([{ overageUnits: 1n, amountMinor: 100 }]);
    expect(await feesOf(business)).toMatchObject([{ planId: "business", includedUnits: 500_000n, overageUnits: 100_000n, amountMinor: 10_000 }]);
    for (const none of [proExact, starter, proAi]) expect(await feesOf(none)).toEqual([]);
    expect(await prisma.usageAggregate.findUnique({ where: { tenantId_metric_periodStart: { tenantId: pro, metric: "api_calls", periodStart: JAN_START } } })).toMatchObject({
      units: 52_500n,
      aggregatedThrough: FEB_START,
    });

    // Reruns, concurrent runs and a later plan change leave the fees as they are.
    const before = await prisma.usageOverageFee.findMany({ orderBy: { id: "asc" } });
    await setPlan(pro, "business");
    const runs = await Promise.all([1, 2, 3].map((d) => computeOverageFees(prisma, { now: at(now, d * 24 * 60 * MINUTE_MS) })));
    expect(runs.map((r) => r.created)).toEqual([0, 0, 0]);
    expect(await prisma.usageOverageFee.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  });

  it("prices with the tenant's plan when the period is first closed", async () => {
    const upgraded = await tenantUsing("pro", 80_000);
    const downgraded = await tenantUsing("business", 80_000);
    // Plan changes on the last day of January, before the close.
    await setPlan(upgraded, "business");
    await setPlan(downgraded, "pro");
    const concurrent = await Promise.all([computeOverageFees(prisma, { now: periodFinalAt(JAN) }), computeOverageFees(prisma, { now: periodFinalAt(JAN) })]);
    expect(concurrent.map((r) => r.created).sort()).toEqual([0, 1]);
    expect(await feesOf(upgraded)).toEqual([]);
    expect(await feesOf(downgraded)).toMatchObject([{ planId: "pro", overageUnits: 30_000n, amountMinor: 3_000 }]);
  });
});

describe("usage.close-period", () => {
  it("runs daily at 01:15 UTC and bills the month that ended", async () => {
    expect(closeUsagePeriodJob.cron).toBe("15 1 * * *");
    // The real clock at a fixed instant: 2 March 2026, 01:20 UTC (the job reads new Date()).
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(new Date(Date.UTC(2026, 2, 2, 1, 20)));
    const tenantId = await planTenant("pro");
    await addUsageEvents(tenantId, [{ occurredAt: new Date(Date.UTC(2026, 1, 28, 23, 59, 59, 999)), units: 51_000 }]);

    const runs = await runCronJob(closeUsagePeriodJob as JobDefinition<unknown>);
    expect(runs).toMatchObject([{ status: "succeeded" }]);
    expect(await feesOf(tenantId)).toMatchObject([{ periodStart: FEB_START, periodEnd: new Date(Date.UTC(2026, 2, 1)), overageUnits: 1_000n, amountMinor: 100 }]);
  });
});
