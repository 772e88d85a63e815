/**
 * usage_events -> usage_aggregates with a controlled clock: calendar-month periods (the last millisecond
 * of a month and the first of the next land in their own periods), the settle margin, closing the
 * previous period through its end and recomputing it while late events may arrive, reruns and
 * concurrent runners writing the same numbers, a slower runner never rolling an aggregate back, and the
 * usage.aggregate cron job.
 */
import { describe, expect, it } from "vitest";
import { prisma } from "@/server/db/client";
import { aggregateUsage, aggregateUsageJob, USAGE_LATE_MS, USAGE_SETTLE_MS } from "@/server/domain/usage/aggregate";
import type { JobDefinition } from "@/server/domain/jobs";
import { addUsageEvents, planTenant, runCronJob } from "../helpers/usage-jobs";
import { MINUTE_MS } from "@/lib/time";

const DEC_START = new Date(Date.UTC(2025, 11, 1));
const JAN_START = new Date(Date.UTC(2026, 0, 1));
const FEB_START = new Date(Date.UTC(2026, 1, 1));
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

/** The tenant's aggregates, oldest period first, without bookkeeping columns. */
async function aggregatesOf(tenantId: string) {
  const rows = await prisma.usageAggregate.findMany({ where: { tenantId }, orderBy: [{ periodStart: "asc" }, { metric: "asc" }] });
  return rows.map((r) => ({ id: r.id, metric: r.metric, periodStart: r.periodStart, periodEnd: r.periodEnd, units: r.units, aggregatedThrough: r.aggregatedThrough }));
}

const unitsOf = async (tenantId: string, periodStart: Date, metric = "api_calls") =>
  (await prisma.usageAggregate.findUnique({ where: { tenantId_metric_periodStart: { tenantId, metric, periodStart } } }))?.units ?? null;

describe("aggregateUsage", () => {
  it("puts the last millisecond of a month and the first of the next in their own periods, after the settle margin", async () => {
    const tenantId = await planTenant("pro");
    await addUsageEvents(tenantId, [
      { occurredAt: at(JAN_START, -1), units: 11 }, // last millisecond of December
      { occurredAt: JAN_START, units: 7 }, // first millisecond of January
      { occurredAt: at(FEB_START, -1), units: 3 }, // last millisecond of January
      { occurredAt: FEB_START, units: 5 }, // first millisecond of February
      { occurredAt: at(JAN_START, 10 * MINUTE_MS), units: 2, metric: "ai_credits" },
    ]);

    // 00:30 on 1 January: January so far, December closed through its end.
    const early = await aggregateUsage(prisma, { now: at(JAN_START, 30 * MINUTE_MS) });
    expect(early).toMatchObject({ periodStart: JAN_START, aggregatedThrough: at(JAN_START, 29 * MINUTE_MS), closed: { periodStart: DEC_START } });
    expect(await aggregatesOf(tenantId)).toMatchObject([
      { metric: "api_calls", periodStart: DEC_START, periodEnd: JAN_START, units: 11n, aggregatedThrough: JAN_START },
      { metric: "ai_credits", periodStart: JAN_START, periodEnd: FEB_START, units: 2n },
      { metric: "api_calls", periodStart: JAN_START, periodEnd: FEB_START, units: 7n, aggregatedThrough: at(JAN_START, 29 * MINUTE_MS) },
    ]);

    // 30 s into February: still inside the settle margin, so January runs on without its last millisecond.
    const boundary = await aggregateUsage(prisma, { now: at(FEB_START, 30_000) });
    expect(boundary).toMatchObject({ periodStart: JAN_START, aggregatedThrough: at(FEB_START, 30_000 - USAGE_SETTLE_MS), closed: null });
    expect(await unitsOf(tenantId, JAN_START)).toBe(7n);
    expect(await unitsOf(tenantId, FEB_START)).toBeNull();

    // Five minutes in: January closed through its end (both of its events), February started.
    const now = at(FEB_START, 5 * MINUTE_MS);
    expect(await aggregateUsage(prisma, { now })).toMatchObject({ periodStart: FEB_START, closed: { periodStart: JAN_START } });
    const closed = await aggregatesOf(tenantId);
    expect(closed.filter((r) => r.metric === "api_calls")).toMatchObject([
      { periodStart: DEC_START, units: 11n, aggregatedThrough: JAN_START },
      { periodStart: JAN_START, units: 10n, aggregatedThrough: FEB_START },
      { periodStart: FEB_START, periodEnd: new Date(Date.UTC(2026, 2, 1)), units: 5n, aggregatedThrough: at(now, -USAGE_SETTLE_MS) },
    ]);

    // A rerun, and three runners at once, write the same numbers (recomputed, never added).
    await aggregateUsage(prisma, { now });
    expect(await aggregatesOf(tenantId)).toEqual(closed);
    await Promise.all([aggregateUsage(prisma, { now }), aggregateUsage(prisma, { now }), aggregateUsage(prisma, { now })]);
    expect(await aggregatesOf(tenantId)).toEqual(closed);
  });

  it("counts an event that committed after a run at the next run, and late events of the closed month for an hour", async () => {
    const tenantId = await planTenant("pro");
    await addUsageEvents(tenantId, [{ occurredAt: at(FEB_START, MINUTE_MS), units: 4 }]);
    await aggregateUsage(prisma, { now: at(FEB_START, 10 * MINUTE_MS) });
    expect(await unitsOf(tenantId, FEB_START)).toBe(4n);

    // Stamped before the last run's aggregatedThrough but committed after it: the next run counts it.
    await addUsageEvents(tenantId, [
      { occurredAt: at(FEB_START, 8 * MINUTE_MS), units: 6 },
      { occurredAt: at(FEB_START, -10 * MINUTE_MS), units: 9 }, // a late event of January
    ]);
    await aggregateUsage(prisma, { now: at(FEB_START, 40 * MINUTE_MS) });
    expect(await unitsOf(tenantId, FEB_START)).toBe(10n);
    expect(await unitsOf(tenantId, JAN_START)).toBe(9n);

    // After the late-event window January is final: the runs leave it alone.
    await addUsageEvents(tenantId, [{ occurredAt: at(FEB_START, -MINUTE_MS), units: 100 }]);
    const final = await aggregateUsage(prisma, { now: at(FEB_START, USAGE_SETTLE_MS + USAGE_LATE_MS) });
    expect(final.closed).toBeNull();
    expect(await unitsOf(tenantId, JAN_START)).toBe(9n);
  });

  it("gives the same numbers with many tenants and concurrent runners, and a slower runner never rolls an aggregate back", async () => {
    const tenants = await Promise.all(Array.from({ length: 12 }, () => planTenant("pro")));
    for (const [i, tenantId] of tenants.entries()) {
      await addUsageEvents(
        tenantId,
        Array.from({ length: 30 }, (_, j) => ({ occurredAt: at(FEB_START, j * MINUTE_MS), units: i + 1, metric: j % 2 ? ("api_calls" as const) : ("storage_mb" as const) })),
      );
    }
    const now = at(FEB_START, 20 * MINUTE_MS); // counts j < 19: 10 api_calls and 9 storage_mb events each
    await Promise.all(Array.from({ length: 4 }, () => aggregateUsage(prisma, { now })));
    for (const [i, tenantId] of tenants.entries()) {
      expect(await unitsOf(tenantId, FEB_START, "storage_mb")).toBe(BigInt(10 * (i + 1)));
      expect(await unitsOf(tenantId, FEB_START, "api_calls")).toBe(BigInt(9 * (i + 1)));
    }

    // A run that started earlier (older now) finishing after a newer one changes nothing.
    const later = at(FEB_START, 31 * MINUTE_MS);
    await aggregateUsage(prisma, { now: later });
    const newest = await aggregatesOf(tenants[0]!);
    await aggregateUsage(prisma, { now });
    expect(await aggregatesOf(tenants[0]!)).toEqual(newest);
    expect(newest.find((r) => r.metric === "api_calls" && r.periodStart.getTime() === FEB_START.getTime())).toMatchObject({
      units: 15n,
      aggregatedThrough: at(later, -USAGE_SETTLE_MS),
    });
  });
});

describe("usage.aggregate", () => {
  it("runs every 5 minutes on the real clock", async () => {
    expect(aggregateUsageJob.cron).toBe("*/5 * * * *");
    const tenantId = await planTenant("starter");
    const occurredAt = new Date(Date.now() - 2 * MINUTE_MS);
    await addUsageEvents(tenantId, [{ occurredAt, units: 42 }]);
    const runs = await runCronJob(aggregateUsageJob as JobDefinition<unknown>);
    expect(runs).toMatchObject([{ status: "succeeded" }]);
    expect(await unitsOf(tenantId, new Date(Date.UTC(occurredAt.getUTCFullYear(), occurredAt.getUTCMonth(), 1)))).toBe(42n);
  });
});
