import { limitsFor, overrunFor, type LimitKey, type OverrunStrategy } from "@/server/domain/plans/plans";

// What is metered, and which plan limit each metric counts against. Every metered action names one of
// these; the plan catalogue (plans.ts) holds the limits and the overrun strategy per limit.
//
// - projects: a gauge (live projects right now), checked on create; each creation is also an event.
// - api_calls: the example domain's API calls, summed per calendar month against `usageUnits`; metered
//   plans bill the excess through the usage add-on (reported to the provider's meter).
// - ai_credits: AI usage in credits (1 credit per 1,000 tokens), summed per month against the plan's
//   monthly `aiCredits` allowance; beyond it, purchased credits are consumed (FIFO by expiry).
// - storage_mb: tracked for the usage page; no plan limit.

export const USAGE_METRICS = {
  projects: { limit: "projects", kind: "gauge", creditsCoverOverage: false },
  api_calls: { limit: "usageUnits", kind: "monthly", creditsCoverOverage: false },
  ai_credits: { limit: "aiCredits", kind: "monthly", creditsCoverOverage: true },
  storage_mb: { limit: null, kind: "monthly", creditsCoverOverage: false },
} as const satisfies Record<string, { limit: LimitKey | null; kind: "gauge" | "monthly"; creditsCoverOverage: boolean }>;

export type UsageMetric = keyof typeof USAGE_METRICS;
export const USAGE_METRIC_NAMES = Object.keys(USAGE_METRICS) as UsageMetric[];

export function isUsageMetric(value: string): value is UsageMetric {
  return Object.hasOwn(USAGE_METRICS, value);
}

/** Tokens per AI credit: AI calls report tokens, the ledger and limits count credits. */
export const TOKENS_PER_AI_CREDIT = 1_000;

/** The plan's limit for a metric, or null when the metric has none. */
export function metricLimit(planId: string, metric: UsageMetric): number | null {
  const key = USAGE_METRICS[metric].limit;
  return key === null ? null : limitsFor(planId)[key];
}

export function metricOverrun(planId: string, metric: UsageMetric): OverrunStrategy | null {
  const key = USAGE_METRICS[metric].limit;
  return key === null ? null : overrunFor(planId, key);
}

export interface UsagePeriod {
  start: Date;
  end: Date;
}

/** The billing period `at` falls in: the calendar month in UTC (plans count usage per calendar month). */
export function usagePeriod(at: Date): UsagePeriod {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const end = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  return { start, end };
}

/** The period before the one `at` falls in. */
export function previousUsagePeriod(at: Date): UsagePeriod {
  return usagePeriod(new Date(usagePeriod(at).start.getTime() - 1));
}
