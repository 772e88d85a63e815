import { useTranslations } from "next-intl";
import { Alert } from "@/components/ui/alert";
import { nextPlan, type PlanId } from "@/server/domain/plans/plans";
import { USAGE_METRICS, type UsageMetric } from "@/server/domain/usage/metrics";
import type { UsageOverview } from "@/server/domain/usage/usage-overview";
import { LimitNextStep } from "./limit-next-step";

/**
 * The period's threshold alerts as in-app notices, the highest threshold reached per metric (100%
 * supersedes 80%), each with the way past the limit: the upgrade for metrics whose strategy is
 * "upgrade", the credit top-up where credits cover the excess.
 */
export function UsageAlerts({ overview, canManageBilling }: { overview: Pick<UsageOverview, "alerts" | "metrics" | "plan">; canManageBilling: boolean }) {
  const t = useTranslations("usage");
  const highest = new Map<UsageMetric, UsageOverview["alerts"][number]>();
  for (const alert of overview.alerts) if ((highest.get(alert.metric)?.threshold ?? 0) < alert.threshold) highest.set(alert.metric, alert);
  if (highest.size === 0) return null;
  const upgradeFor = (metric: UsageMetric): PlanId | null =>
    overview.metrics.find((m) => m.metric === metric)?.strategy === "upgrade" ? nextPlan(overview.plan.id) : null;
  return (
    <section aria-label={t("alerts.label")} className="flex flex-col gap-2">
      {[...highest.values()].map((alert) => (
        <Alert key={alert.id} variant={alert.threshold >= 100 ? "error" : "info"} className="flex flex-col gap-2">
          <p>
            {t(`alerts.${USAGE_METRICS[alert.metric].kind}`, {
              threshold: alert.threshold,
              metric: t(`inSentence.${alert.metric}`),
              used: alert.usedUnits,
              limit: alert.limitUnits,
            })}
          </p>
          <LimitNextStep upgradeTo={upgradeFor(alert.metric)} creditsCoverOverage={USAGE_METRICS[alert.metric].creditsCoverOverage} canManageBilling={canManageBilling} />
        </Alert>
      ))}
    </section>
  );
}
