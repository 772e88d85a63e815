import type { DbTx } from "@/server/db/client";
import { billingMailUrl, notifyBillingContacts } from "@/server/domain/billing/billing-notifications";
import { metricLimit, metricOverrun, type UsageMetric, type UsagePeriod } from "./metrics";

// Threshold alerts: when a metric's usage reaches 80% or 100% of its limit (a gauge: of the live count),
// one usage_alerts row per tenant, metric, period and threshold (its unique key makes that exact under
// retries and concurrency). The row is the in-app notice (the usage page lists the period's alerts);
// owners and admins also get one "usage.warning" message per new row, keyed by the row's id.

export const ALERT_THRESHOLDS = [80, 100] as const;
export type AlertThreshold = (typeof ALERT_THRESHOLDS)[number];

/**
 * Records the thresholds `used` has reached of the plan's limit in `period` that were not recorded yet, and
 * notifies for the highest of them (usage that jumps past both in one step gets one message, at 100%).
 * Call it in the transaction that counted the usage. Returns the thresholds recorded now.
 */
export async function fireUsageAlerts(
  tx: DbTx,
  input: { tenantId: string; plan: string; metric: UsageMetric; used: number; period: UsagePeriod },
): Promise<AlertThreshold[]> {
  const limit = metricLimit(input.plan, input.metric);
  const strategy = metricOverrun(input.plan, input.metric);
  if (limit === null || strategy === null || limit <= 0) return [];
  const reached = ALERT_THRESHOLDS.filter((threshold) => input.used * 100 >= threshold * limit);
  if (reached.length === 0) return [];
  const created = await tx.usageAlert.createManyAndReturn({
    data: reached.map((threshold) => ({
      tenantId: input.tenantId,
      metric: input.metric,
      periodStart: input.period.start,
      threshold,
      usedUnits: BigInt(input.used),
      limitUnits: BigInt(limit),
    })),
    skipDuplicates: true,
    select: { id: true, threshold: true },
  });
  const highest = created.toSorted((a, b) => b.threshold - a.threshold)[0];
  if (highest) {
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: input.tenantId }, select: { name: true } });
    await notifyBillingContacts(tx, {
      tenantId: input.tenantId,
      event: "usage.warning",
      data: {
        tenantName: tenant.name,
        metric: input.metric,
        used: input.used,
        limit,
        percent: highest.threshold as AlertThreshold,
        strategy,
        url: billingMailUrl(),
      },
      occurrence: highest.id,
    });
  }
  return created.map((a) => a.threshold as AlertThreshold);
}
