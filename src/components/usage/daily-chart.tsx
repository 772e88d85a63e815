import { useFormatter, useTranslations } from "next-intl";
import { Link } from "@/i18n/navigation";
import { cn } from "@/lib/utils";
import { USAGE_METRIC_NAMES, type UsageMetric } from "@/server/domain/usage/metrics";
import type { UsageOverview } from "@/server/domain/usage/usage-overview";

/**
 * The period's daily totals of one metric as CSS bars, the metric chosen with ?metric= (links, no client
 * code). The bars are decoration for sighted users; screen readers get the same numbers as a table.
 */
export function DailyChart({ daily, metric }: { daily: UsageOverview["daily"]; metric: UsageMetric }) {
  const t = useTranslations("usage");
  const format = useFormatter();
  const name = t(`metrics.${metric}`);
  const days = daily.map((d) => ({
    date: format.dateTime(new Date(`${d.date}T00:00:00Z`), { month: "short", day: "numeric", timeZone: "UTC" }),
    units: d.units[metric],
  }));
  const max = Math.max(0, ...days.map((d) => d.units));
  const title = t("daily.chartTitle", { metric: name });

  return (
    <div className="flex flex-col gap-4">
      <nav aria-label={t("daily.metric")} className="flex flex-wrap gap-1 text-sm">
        {USAGE_METRIC_NAMES.map((m) => (
          <Link
            key={m}
            href={{ pathname: "/usage", query: { metric: m } }}
            scroll={false}
            aria-current={m === metric ? "true" : undefined}
            className={cn("rounded-md border px-2 py-1 hover:bg-muted", m === metric && "bg-muted font-medium")}
          >
            {t(`metrics.${m}`)}
          </Link>
        ))}
      </nav>
      <figure className="flex flex-col gap-2">
        <figcaption className="text-sm font-medium">{title}</figcaption>
        {max === 0 ? (
          <p className="text-sm text-muted-foreground">{t("daily.empty", { metric: t(`inSentence.${metric}`) })}</p>
        ) : (
          <>
            <div aria-hidden className="flex h-40 items-end gap-px border-b">
              {days.map((d) => (
                <div
                  key={d.date}
                  title={t("daily.bar", { date: d.date, units: t(`units.${metric}`, { count: d.units }) })}
                  className="flex-1 rounded-t-sm bg-primary"
                  style={{ height: `${(d.units / max) * 100}%` }}
                />
              ))}
            </div>
            <div aria-hidden className="flex justify-between text-xs text-muted-foreground">
              <span>{days[0]?.date}</span>
              <span>{days.at(-1)?.date}</span>
            </div>
            <table className="sr-only">
              <caption>{title}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("daily.date")}</th>
                  <th scope="col">{name}</th>
                </tr>
              </thead>
              <tbody>
                {days.map((d) => (
                  <tr key={d.date}>
                    <th scope="row">{d.date}</th>
                    <td>{format.number(d.units)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </figure>
    </div>
  );
}
