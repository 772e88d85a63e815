import type { DbTx } from "@/server/db/client";
import { creditBalance, creditLots, type CreditLot } from "@/server/domain/credits/ledger";
import { plans, type OverrunStrategy, type PlanId } from "@/server/domain/plans/plans";
import { measureUsage, planIdOf } from "./entitlements";
import { metricLimit, metricOverrun, USAGE_METRIC_NAMES, USAGE_METRICS, usagePeriod, type UsageMetric, type UsagePeriod } from "./metrics";
import type { UsageActorType } from "./record-usage";
import { DAY_MS } from "@/lib/time";

// What the usage page shows for the current period (a calendar month, UTC). Totals per metric are exact
// (entitlements.ts measureUsage: aggregate + newer events); the breakdowns and the daily chart are read
// from the period's events. Numbers only, no BigInt, so the result is plain JSON.

/** What the per-actor breakdown calls API clients. */
export const API_ACTOR_NAME = "API";

/** The breakdowns list the biggest rows first, at most this many each. */
export const BREAKDOWN_ROWS_LIMIT = 100;

export interface UsageOverview {
  plan: { id: PlanId; name: string };
  period: UsagePeriod;
  metrics: {
    metric: UsageMetric;
    kind: "gauge" | "monthly";
    used: number;
    /** null: the metric has no limit (storage_mb). */
    limit: number | null;
    /** used / limit in whole percent (rounded down; may exceed 100); null without a limit. */
    percent: number | null;
    strategy: OverrunStrategy | null;
  }[];
  /** Units per project and metric this period; projectId null for usage outside any project. Deleted projects keep their name. */
  byProject: { projectId: string | null; projectName: string | null; metric: UsageMetric; units: number }[];
  /** Units per actor and metric this period: members and guests by user (name null once the user is gone), API clients together as "API". */
  byActor: { actorType: UsageActorType; userId: string | null; name: string | null; metric: UsageMetric; units: number }[];
  /** One row per day of the period up to today (UTC), every metric in each. */
  daily: { date: string; units: Record<UsageMetric, number> }[];
  credits: {
    /** The ledger's sum. */
    balance: number;
    /** Spendable now: the unexpired lots' remaining credits. */
    available: number;
    /** Unexpired lots with credits left, soonest expiry first (the order they are spent in). */
    lots: CreditLot[];
  };
  /** Threshold alerts of this period, oldest first: the in-app notices. */
  alerts: { id: string; metric: UsageMetric; threshold: number; usedUnits: number; limitUnits: number; createdAt: Date }[];
}

export async function getUsageOverview(db: DbTx, input: { tenant: { id: string; plan: string }; now: Date }): Promise<UsageOverview> {
  const { now } = input;
  const tenantId = input.tenant.id;
  const planId = planIdOf(input.tenant.plan);
  const period = usagePeriod(now);

  const metrics: UsageOverview["metrics"] = [];
  for (const metric of USAGE_METRIC_NAMES) {
    const used = await measureUsage(db, { tenantId, metric, now });
    const limit = metricLimit(planId, metric);
    metrics.push({
      metric,
      kind: USAGE_METRICS[metric].kind,
      used,
      limit,
      percent: limit === null || limit <= 0 ? null : Math.floor((used * 100) / limit),
      strategy: metricOverrun(planId, metric),
    });
  }

  const byProject = await db.$queryRaw<{ project_id: string | null; project_name: string | null; metric: UsageMetric; units: bigint }[]>`
    SELECT e.project_id, p.name AS project_name, e.metric, SUM(e.units)::bigint AS units
    FROM usage_events e
    LEFT JOIN projects p ON p.id = e.project_id AND p.tenant_id = e.tenant_id
    WHERE e.tenant_id = ${tenantId} AND e.occurred_at >= ${period.start}::timestamp(3) AND e.occurred_at < ${period.end}::timestamp(3)
    GROUP BY e.project_id, p.name, e.metric
    ORDER BY units DESC, e.metric, p.name
    LIMIT ${BREAKDOWN_ROWS_LIMIT}`;
  const byActor = await db.$queryRaw<{ actor_type: UsageActorType; actor_user_id: string | null; name: string | null; metric: UsageMetric; units: bigint }[]>`
    SELECT e.actor_type, e.actor_user_id, u.name, e.metric, SUM(e.units)::bigint AS units
    FROM usage_events e
    LEFT JOIN users u ON u.id = e.actor_user_id
    WHERE e.tenant_id = ${tenantId} AND e.occurred_at >= ${period.start}::timestamp(3) AND e.occurred_at < ${period.end}::timestamp(3)
    GROUP BY e.actor_type, e.actor_user_id, u.name, e.metric
    ORDER BY units DESC, e.metric, u.name
    LIMIT ${BREAKDOWN_ROWS_LIMIT}`;
  const perDay = await db.$queryRaw<{ day: string; metric: UsageMetric; units: bigint }[]>`
    SELECT to_char(date_trunc('day', e.occurred_at), 'YYYY-MM-DD') AS day, e.metric, SUM(e.units)::bigint AS units
    FROM usage_events e
    WHERE e.tenant_id = ${tenantId} AND e.occurred_at >= ${period.start}::timestamp(3) AND e.occurred_at < ${period.end}::timestamp(3)
    GROUP BY 1, 2`;

  const days = Math.ceil((Math.min(now.getTime(), period.end.getTime() - 1) + 1 - period.start.getTime()) / DAY_MS);
  const daily = Array.from({ length: days }, (_, i) => ({
    date: new Date(period.start.getTime() + i * DAY_MS).toISOString().slice(0, 10),
    units: Object.fromEntries(USAGE_METRIC_NAMES.map((m) => [m, 0])) as Record<UsageMetric, number>,
  }));
  const dayIndex = new Map(daily.map((d, i) => [d.date, i]));
  for (const row of perDay) {
    // An event stamped a few minutes ahead (allowed clock skew) may fall on tomorrow: not a day shown yet.
    const day = daily[dayIndex.get(row.day) ?? -1];
    if (day) day.units[row.metric] += Number(row.units);
  }

  const lots = await creditLots(db, tenantId, now);
  const alerts = await db.usageAlert.findMany({
    where: { tenantId, periodStart: period.start },
    orderBy: [{ createdAt: "asc" }, { threshold: "asc" }],
    select: { id: true, metric: true, threshold: true, usedUnits: true, limitUnits: true, createdAt: true },
  });

  return {
    plan: { id: planId, name: plans[planId].name },
    period,
    metrics,
    byProject: byProject.map((r) => ({ projectId: r.project_id, projectName: r.project_name, metric: r.metric, units: Number(r.units) })),
    byActor: byActor.map((r) => ({
      actorType: r.actor_type,
      userId: r.actor_user_id,
      name: r.actor_type === "api" ? API_ACTOR_NAME : r.name,
      metric: r.metric,
      units: Number(r.units),
    })),
    daily,
    credits: { balance: await creditBalance(db, tenantId), available: lots.reduce((sum, lot) => sum + lot.remaining, 0), lots },
    alerts: alerts.map((a) => ({ ...a, metric: a.metric as UsageMetric, usedUnits: Number(a.usedUnits), limitUnits: Number(a.limitUnits) })),
  };
}
