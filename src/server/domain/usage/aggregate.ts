import { z } from "zod";
import type { DbTx } from "@/server/db/client";
import { defineJob } from "@/server/domain/jobs";
import { USAGE_MAX_AGE_MS } from "@/server/providers/payments/types";
import { previousUsagePeriod, USAGE_METRIC_NAMES, usagePeriod, type UsagePeriod } from "./metrics";

// usage_events -> usage_aggregates: units per tenant, metric and period (calendar month, UTC).
//
// Every run recomputes the SUM from the events; it never adds to the stored number. A rerun, a retry
// or two runners at once therefore write the same numbers, and an event committed after a run is
// counted by the next one. Two safeguards:
// - settle margin: a run counts events with occurred_at < now - USAGE_SETTLE_MS (aggregatedThrough).
//   An insert stamped with occurred_at = "now" may commit a moment later; by the time the aggregate
//   covers its instant it is visible.
// - closing: a period whose end the clock (minus the margin) has passed is aggregated through its end,
//   and keeps being recomputed for USAGE_LATE_MS after it (events may be reported up to an hour late,
//   the payment provider's window). The daily usage.close-period (overage.ts) closes it again before
//   computing fees, so a period whose closing window the aggregator missed is still final by then.
//
// A slower runner (older `now`) never overwrites a newer aggregate: the upsert only replaces a row whose
// aggregatedThrough is not later than its own.

export const USAGE_SETTLE_MS = 60_000;
/** How late (after its occurred_at) a usage event may still arrive and count in its period. */
export const USAGE_LATE_MS = USAGE_MAX_AGE_MS;

/**
 * Recomputes every (tenant, metric) aggregate of `period` from the events with occurred_at in
 * [period.start, through). Returns the number of aggregates written (unchanged newer ones excluded).
 *
 * One statement per period. The LATERAL sum per tenant and metric reads the (tenant_id, metric,
 * occurred_at) index, so a run costs the period's events, not the table's history; rows are written in
 * key order so concurrent runs lock them in the same order (no deadlock).
 */
export async function aggregatePeriod(db: DbTx, period: UsagePeriod, through: Date): Promise<number> {
  return db.$executeRaw`
    INSERT INTO usage_aggregates (id, tenant_id, metric, period_start, period_end, units, aggregated_through, updated_at)
    SELECT gen_random_uuid()::text, t.id, m.metric, ${period.start}::timestamp(3), ${period.end}::timestamp(3), s.units, ${through}::timestamp(3), now()
    FROM tenants t
    CROSS JOIN unnest(${USAGE_METRIC_NAMES}::text[]) AS m(metric)
    CROSS JOIN LATERAL (
      SELECT sum(e.units)::bigint AS units FROM usage_events e
      WHERE e.tenant_id = t.id AND e.metric = m.metric
        AND e.occurred_at >= ${period.start}::timestamp(3) AND e.occurred_at < ${through}::timestamp(3)
    ) s
    WHERE s.units IS NOT NULL
    ORDER BY t.id, m.metric
    ON CONFLICT (tenant_id, metric, period_start) DO UPDATE
      SET units = EXCLUDED.units, aggregated_through = EXCLUDED.aggregated_through, updated_at = EXCLUDED.updated_at
      WHERE usage_aggregates.aggregated_through <= EXCLUDED.aggregated_through`;
}

/** When a period's aggregates are final: its end plus the settle margin and the late-event window. */
export function periodFinalAt(period: UsagePeriod): Date {
  return new Date(period.end.getTime() + USAGE_SETTLE_MS + USAGE_LATE_MS);
}

export interface AggregateUsageResult {
  periodStart: Date;
  aggregatedThrough: Date;
  aggregates: number;
  /** The previous period, aggregated through its end while it may still receive late events. */
  closed: { periodStart: Date; aggregates: number } | null;
}

export async function aggregateUsage(db: DbTx, { now }: { now: Date }): Promise<AggregateUsageResult> {
  const through = new Date(now.getTime() - USAGE_SETTLE_MS);
  const current = usagePeriod(through);
  const previous = previousUsagePeriod(through);
  const closing = now.getTime() < periodFinalAt(previous).getTime();
  return {
    periodStart: current.start,
    aggregatedThrough: through,
    aggregates: await aggregatePeriod(db, current, through),
    closed: closing ? { periodStart: previous.start, aggregates: await aggregatePeriod(db, previous, previous.end) } : null,
  };
}

export const aggregateUsageJob = defineJob({
  name: "usage.aggregate",
  cron: "*/5 * * * *",
  parse: (payload) => z.object({ scheduledAt: z.iso.datetime() }).parse(payload),
  run: (_payload, ctx) => aggregateUsage(ctx.db, { now: new Date() }),
  retry: { maxAttempts: 3, baseDelayMs: 10_000, maxDelayMs: 60_000 },
});
