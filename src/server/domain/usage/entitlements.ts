import { LRUCache } from "lru-cache";
import type { DbTx } from "@/server/db/client";
import { availableCredits } from "@/server/domain/credits/ledger";
import type { LimitDetails } from "@/server/domain/errors";
import { DEFAULT_PLAN, isPlanId, nextPlan, plans, type OverrunStrategy, type PlanId } from "@/server/domain/plans/plans";
import { metricLimit, metricOverrun, USAGE_METRICS, usagePeriod, type UsageMetric, type UsagePeriod } from "./metrics";

// The plan-limit rules: how much of a metric a tenant has used, and whether `units` more are allowed
// (allow), allowed with a warning (warn: a soft limit, or purchased credits cover the excess) or refused
// (block: a hard limit, or an upgrade to offer). checkEntitlement answers the UI and pre-checks cheaply
// from a short-lived cache; recordUsage (record-usage.ts) decides again with the same rule inside its
// transaction, under the (tenant, metric) lock, and that decision is the one that counts.

export type EntitlementDecision = "allow" | "warn" | "block";

export interface Entitlement {
  decision: EntitlementDecision;
  metric: UsageMetric;
  /** The plan's limit; null for a metric without one (storage_mb): always allowed. */
  limit: number | null;
  /** Before this action: the live count for a gauge, this period's units for a monthly metric. */
  used: number;
  /** What is left of the limit before this action (never negative); null without a limit. */
  remaining: number | null;
  strategy: OverrunStrategy | null;
  /** Purchased credits left (unexpired), for a metric whose excess credits cover; 0 for the others. */
  creditsAvailable: number;
  /** Credits this action draws beyond the plan's allowance (consumed when it is counted); on a block, what it would need. */
  creditsNeeded: number;
  /** The plan to offer on a block with the "upgrade" strategy; null otherwise or on the top plan. */
  upgradeTo: PlanId | null;
  /** Why it warns or blocks, naming the limit, the numbers and what to do; null on allow. */
  message: string | null;
}

/** What a decision needs to know about the tenant's usage right now. */
export interface UsageSnapshot {
  used: number;
  creditsAvailable: number;
}

/** Each metric's name in limit messages. */
const METRIC_LABELS: Record<UsageMetric, string> = {
  projects: "projects",
  api_calls: "API calls",
  ai_credits: "AI credits",
  storage_mb: "MB of storage",
};

/** A stored plan id; a retired or unknown one counts as DEFAULT_PLAN (as limitsFor does). */
export const planIdOf = (plan: string): PlanId => (isPlanId(plan) ? plan : DEFAULT_PLAN);

const count = (n: number) => n.toLocaleString("en-US");

type GaugeMetric = { [M in UsageMetric]: (typeof USAGE_METRICS)[M]["kind"] extends "gauge" ? M : never }[UsageMetric];

/** How each gauge is measured: the live things it counts. */
const GAUGES: Record<GaugeMetric, (db: DbTx, tenantId: string) => Promise<number>> = {
  projects: (db, tenantId) => db.project.count({ where: { tenantId, deletedAt: null } }),
};

const isGauge = (metric: UsageMetric): metric is GaugeMetric => USAGE_METRICS[metric].kind === "gauge";

/**
 * What the tenant has used of `metric` at `now`: a gauge's live count, or a monthly metric's units in
 * the period `now` falls in = the aggregate's units (events before its aggregatedThrough) + the events
 * since, so it is exact whether or not the aggregation job has run.
 */
export async function measureUsage(db: DbTx, input: { tenantId: string; metric: UsageMetric; now: Date }): Promise<number> {
  if (isGauge(input.metric)) return GAUGES[input.metric](db, input.tenantId);
  const period = usagePeriod(input.now);
  const aggregate = await db.usageAggregate.findUnique({
    where: { tenantId_metric_periodStart: { tenantId: input.tenantId, metric: input.metric, periodStart: period.start } },
    select: { units: true, aggregatedThrough: true },
  });
  const since = aggregate && aggregate.aggregatedThrough > period.start ? aggregate.aggregatedThrough : period.start;
  const events = await db.usageEvent.aggregate({
    where: { tenantId: input.tenantId, metric: input.metric, occurredAt: { gte: since, lt: period.end } },
    _sum: { units: true },
  });
  return Number(aggregate?.units ?? 0n) + (events._sum.units ?? 0);
}

/** Usage and (where credits cover the excess) the spendable credits: what decideEntitlement needs. */
async function measureSnapshot(db: DbTx, input: { tenantId: string; metric: UsageMetric; now: Date }): Promise<UsageSnapshot> {
  return {
    used: await measureUsage(db, input),
    creditsAvailable: USAGE_METRICS[input.metric].creditsCoverOverage ? await availableCredits(db, input.tenantId, input.now) : 0,
  };
}

/** The rule itself, without I/O: `units` more of `metric` on `plan`, given the usage snapshot. */
export function decideEntitlement(input: { plan: string; metric: UsageMetric; units: number; snapshot: UsageSnapshot; period: UsagePeriod }): Entitlement {
  const { metric, units, snapshot, period } = input;
  const planId = planIdOf(input.plan);
  const limit = metricLimit(planId, metric);
  const strategy = metricOverrun(planId, metric);
  const base = {
    metric,
    limit,
    used: snapshot.used,
    remaining: limit === null ? null : Math.max(0, limit - snapshot.used),
    strategy,
    creditsAvailable: snapshot.creditsAvailable,
    creditsNeeded: 0,
    upgradeTo: null,
    message: null,
  };
  if (limit === null || strategy === null || snapshot.used + units <= limit) return { ...base, decision: "allow" };

  // The part of `units` beyond the limit: all of it once the limit is used up.
  const beyondLimit = Math.min(units, snapshot.used + units - limit);
  const coveredByCredits = USAGE_METRICS[metric].creditsCoverOverage;
  const entitlement =
    coveredByCredits && snapshot.creditsAvailable >= beyondLimit
      ? { ...base, decision: "warn" as const, creditsNeeded: beyondLimit }
      : strategy === "soft"
        ? { ...base, decision: "warn" as const }
        : {
            ...base,
            decision: "block" as const,
            creditsNeeded: coveredByCredits ? beyondLimit : 0,
            upgradeTo: strategy === "upgrade" ? nextPlan(planId) : null,
          };
  return { ...entitlement, limit, message: limitMessage(planId, units, period, { ...entitlement, limit }) };
}

function limitMessage(planId: PlanId, units: number, period: UsagePeriod, e: Omit<Entitlement, "message"> & { limit: number }): string {
  const plan = plans[planId];
  const label = METRIC_LABELS[e.metric];
  const gauge = isGauge(e.metric);
  const parts = [
    gauge
      ? `${plan.name} allows ${count(e.limit)} ${label}; this workspace has ${count(e.used)}.`
      : `${plan.name} includes ${count(e.limit)} ${label} per month; this workspace has used ${count(e.used)} this month.`,
  ];
  if (units > 1) parts.push(`This needs ${count(units)} more.`);
  if (e.decision === "warn" && e.creditsNeeded > 0) {
    parts.push(`This uses ${count(e.creditsNeeded)} of your ${count(e.creditsAvailable)} purchased credits.`);
  } else if (e.decision === "warn") {
    parts.push(
      USAGE_METRICS[e.metric].limit === "usageUnits" && plan.meteredUsage
        ? "Usage beyond the limit is billed as overage at the end of the month."
        : "Usage beyond the limit is allowed for now.",
    );
  } else if (e.upgradeTo) {
    parts.push(`Upgrade to ${plans[e.upgradeTo].name} for ${count(metricLimit(e.upgradeTo, e.metric) ?? 0)}.`);
  } else if (e.creditsNeeded > 0) {
    parts.push(`You have ${count(e.creditsAvailable)} purchased credits and need ${count(e.creditsNeeded)}. Buy an AI credit pack to continue.`);
  } else {
    parts.push(gauge ? `Delete ${label} you no longer need to make room.` : `Usage resets when the next period starts on ${period.end.toISOString().slice(0, 10)}.`);
  }
  return parts.join(" ");
}

/** The structured data of a refusal, for AppError's details (the tRPC error's data.limit). */
export function limitDetails(e: Entitlement, requested: number): LimitDetails | undefined {
  if (e.limit === null || e.strategy === null) return undefined;
  return {
    metric: e.metric,
    limit: e.limit,
    used: e.used,
    requested,
    strategy: e.strategy,
    upgradeTo: e.upgradeTo,
    creditsAvailable: e.creditsAvailable,
    creditsNeeded: e.creditsNeeded,
  };
}

// ---------- The cache behind checkEntitlement ----------
//
// One snapshot per (tenant, metric), for the plan and period it was measured under, for
// ENTITLEMENT_CACHE_TTL_MS: other app instances (and the job runner crediting purchases) change usage
// this process cannot see, so an answer may be that stale. That is acceptable because checkEntitlement is
// advisory (what the UI shows, a pre-check before work): the authoritative decision is made again inside
// recordUsage's transaction. recordUsage and project deletion in this process drop the tenant's entry for
// the metric at once. A snapshot of another plan or period is a miss, so after a plan change or at a new
// month the next check measures again. At most ENTITLEMENT_CACHE_MAX_ENTRIES, least recently used go first.

export const ENTITLEMENT_CACHE_TTL_MS = 5_000;
const ENTITLEMENT_CACHE_MAX_ENTRIES = 50_000;

interface CachedSnapshot {
  plan: string;
  periodStart: number;
  snapshot: UsageSnapshot;
}

const cache = new LRUCache<string, CachedSnapshot>({ max: ENTITLEMENT_CACHE_MAX_ENTRIES, ttl: ENTITLEMENT_CACHE_TTL_MS });
const stats = { hits: 0, misses: 0 };

const cacheKey = (tenantId: string, metric: UsageMetric) => `${tenantId}|${metric}`;

/** Drops the cached snapshots of these metrics for the tenant. */
export function invalidateEntitlements(tenantId: string, metrics: Iterable<UsageMetric>): void {
  for (const metric of metrics) cache.delete(cacheKey(tenantId, metric));
}

export function clearEntitlementCache(): void {
  cache.clear();
}

/** Hits and misses since the process started (the benchmark and the tests read them). */
export function entitlementCacheStats(): { hits: number; misses: number } {
  return { ...stats };
}

/**
 * Would `units` more of `metric` be allowed for the tenant now? Cheap: the usage snapshot comes from the
 * cache above when fresh (`cache: false` measures every time).
 */
export async function checkEntitlement(
  db: DbTx,
  input: { tenant: { id: string; plan: string }; metric: UsageMetric; units: number; now?: Date; cache?: boolean },
): Promise<Entitlement> {
  const now = input.now ?? new Date();
  const period = usagePeriod(now);
  const key = cacheKey(input.tenant.id, input.metric);
  const hit = input.cache === false ? undefined : cache.get(key);
  let snapshot: UsageSnapshot;
  if (hit && hit.plan === input.tenant.plan && hit.periodStart === period.start.getTime()) {
    stats.hits++;
    snapshot = hit.snapshot;
  } else {
    stats.misses++;
    snapshot = await measureSnapshot(db, { tenantId: input.tenant.id, metric: input.metric, now });
    if (input.cache !== false) cache.set(key, { plan: input.tenant.plan, periodStart: period.start.getTime(), snapshot });
  }
  return decideEntitlement({ plan: input.tenant.plan, metric: input.metric, units: input.units, snapshot, period });
}
