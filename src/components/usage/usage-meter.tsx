import { useTranslations } from "next-intl";
import { cn } from "@/lib/utils";
import { USAGE_METRICS } from "@/server/domain/usage/metrics";
import type { UsageOverview } from "@/server/domain/usage/usage-overview";

/** Where a meter turns amber, and red at 100%: the thresholds of the usage alerts. */
const WARN_PERCENT = 80;

/**
 * One metric of the current period: used / limit with a progress bar, what happens at the limit, and for
 * a metric whose excess purchased credits cover (AI credits) the credits available and used for it.
 */
export function UsageMeter({ meter, creditsAvailable }: { meter: UsageOverview["metrics"][number]; creditsAvailable: number }) {
  const t = useTranslations("usage");
  const { metric, used, limit, percent, strategy } = meter;
  const name = t(`metrics.${metric}`);
  const { creditsCoverOverage } = USAGE_METRICS[metric];
  return (
    <li aria-label={name} className="flex flex-col gap-2 py-4 first:pt-0 last:pb-0">
      <div className="flex items-baseline justify-between gap-4">
        <span className="font-medium">{name}</span>
        <span className="text-sm tabular-nums">
          {limit === null || percent === null ? (
            t("current.noLimit", { used })
          ) : (
            <>
              {t("current.usedOf", { used, limit })} <span className="text-muted-foreground">· {t("current.percent", { percent })}</span>
            </>
          )}
        </span>
      </div>
      {limit !== null && percent !== null && (
        <div
          role="progressbar"
          aria-label={name}
          aria-valuemin={0}
          aria-valuemax={limit}
          aria-valuenow={Math.min(used, limit)}
          aria-valuetext={t("current.progress", { used, limit, percent })}
          className="h-2 w-full overflow-hidden rounded-full bg-muted"
        >
          <div
            className={cn("h-full rounded-full", percent >= 100 ? "bg-red-600" : percent >= WARN_PERCENT ? "bg-amber-500" : "bg-primary")}
            style={{ width: `${Math.min(percent, 100)}%` }}
          />
        </div>
      )}
      {strategy && (
        <p className="text-sm text-muted-foreground">
          {t(`strategy.${strategy === "hard" && creditsCoverOverage ? "hardCredits" : strategy}`)}
          {creditsCoverOverage && (
            <>
              {" "}
              {t("current.creditsAvailable", { count: creditsAvailable })}
              {limit !== null && used > limit && <> {t("current.creditsUsed", { count: used - limit })}</>}
            </>
          )}
        </p>
      )}
    </li>
  );
}
