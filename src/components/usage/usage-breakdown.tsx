import { useFormatter, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { USAGE_METRIC_NAMES, type UsageMetric } from "@/server/domain/usage/metrics";
import type { UsageOverview } from "@/server/domain/usage/usage-overview";

type MetricUnits = Record<UsageMetric, number>;

/** The overview's rows (one per thing and metric) as one row per thing with a column per metric, in first-seen order (biggest first). */
function pivotByMetric<R extends { metric: UsageMetric; units: number }>(rows: readonly R[], keyOf: (row: R) => string): { key: string; row: R; units: MetricUnits }[] {
  const byKey = new Map<string, { key: string; row: R; units: MetricUnits }>();
  for (const row of rows) {
    const key = keyOf(row);
    const entry = byKey.get(key) ?? { key, row, units: Object.fromEntries(USAGE_METRIC_NAMES.map((m) => [m, 0])) as MetricUnits };
    entry.units[row.metric] += row.units;
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

/** A breakdown of the period's usage: one row per project or actor, one column per metric; `empty` when there is none. */
function UsageBreakdownTable({ label, firstColumn, rows, empty }: { label: string; firstColumn: string; rows: { key: string; name: ReactNode; units: MetricUnits }[]; empty: string }) {
  const t = useTranslations("usage");
  const format = useFormatter();
  if (rows.length === 0) return <p className="text-sm text-muted-foreground">{empty}</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" aria-label={label}>
        <thead className="text-left text-muted-foreground">
          <tr>
            <th scope="col" className="py-1 font-medium">
              {firstColumn}
            </th>
            {USAGE_METRIC_NAMES.map((m) => (
              <th key={m} scope="col" className="py-1 text-right font-medium">
                {t(`metrics.${m}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} className="border-t">
              <th scope="row" className="py-1 text-left font-normal">
                {r.name}
              </th>
              {USAGE_METRIC_NAMES.map((m) => (
                <td key={m} className="py-1 text-right tabular-nums">
                  {format.number(r.units[m])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The period's usage per project (usage outside any project in a row of its own). */
export function ProjectBreakdown({ rows }: { rows: UsageOverview["byProject"] }) {
  const t = useTranslations("usage.byProject");
  return (
    <UsageBreakdownTable
      label={t("title")}
      firstColumn={t("project")}
      empty={t("empty")}
      rows={pivotByMetric(rows, (r) => r.projectId ?? "").map(({ key, row, units }) => ({
        key,
        name: row.projectName ?? (row.projectId ? t("unnamed") : t("noProject")),
        units,
      }))}
    />
  );
}

/** The period's usage per member, guest (marked) and API clients (together, as "API"). */
export function MemberBreakdown({ rows }: { rows: UsageOverview["byActor"] }) {
  const t = useTranslations("usage.byMember");
  return (
    <UsageBreakdownTable
      label={t("title")}
      firstColumn={t("member")}
      empty={t("empty")}
      rows={pivotByMetric(rows, (r) => `${r.actorType}:${r.userId ?? ""}`).map(({ key, row, units }) => ({
        key,
        name:
          row.actorType === "api" ? (
            t("api")
          ) : (
            <span className="inline-flex flex-wrap items-center gap-2">
              {row.name ?? t("formerUser")}
              {row.actorType === "guest" && <Badge>{t("guest")}</Badge>}
            </span>
          ),
        units,
      }))}
    />
  );
}
