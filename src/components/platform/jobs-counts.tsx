import { getTranslations } from "next-intl/server";
import { JobStatusBadge } from "@/components/platform/jobs-status-badge";
import { Link } from "@/i18n/navigation";
import type { AppRouter } from "@/server/api/root";
import { JOB_STATUSES } from "@/server/domain/jobs/admin";
import type { inferRouterOutputs } from "@trpc/server";

type JobStats = inferRouterOutputs<AppRouter>["admin"]["jobs"]["stats"];

/** The age in the largest unit that keeps it readable ("95 seconds", "3 hours", "2 days"). */
function ageParts(seconds: number): { unit: "seconds" | "minutes" | "hours" | "days"; count: number } {
  if (seconds < 120) return { unit: "seconds", count: seconds };
  if (seconds < 120 * 60) return { unit: "minutes", count: Math.floor(seconds / 60) };
  if (seconds < 48 * 3600) return { unit: "hours", count: Math.floor(seconds / 3600) };
  return { unit: "days", count: Math.floor(seconds / 86400) };
}

/** One tile per status (a link that filters the list by it), and how long the oldest due job has waited. */
export async function JobsCounts({ stats, active }: { stats: JobStats; active?: string }) {
  const t = await getTranslations("platform.jobs");
  const age = ageParts(stats.oldestQueuedAgeSeconds);
  return (
    <section aria-label={t("counts.label")} className="flex flex-col gap-2">
      <ul className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6">
        {JOB_STATUSES.map((status) => (
          <li key={status}>
            <Link
              href={{ pathname: "/platform/jobs", query: { status } }}
              aria-current={active === status ? "page" : undefined}
              className="flex items-center justify-between gap-2 rounded-lg border px-3 py-2 hover:bg-muted/50 aria-[current=page]:border-foreground"
            >
              <JobStatusBadge status={status} />
              <span className="text-lg font-semibold tabular-nums" data-testid={`job-count-${status}`}>
                {stats.counts[status] ?? 0}
              </span>
            </Link>
          </li>
        ))}
      </ul>
      <p className="text-sm text-muted-foreground">
        {stats.oldestQueuedAgeSeconds > 0 ? t("counts.oldestQueued", { age: t(`age.${age.unit}`, { count: age.count }) }) : t("counts.noneWaiting")}
      </p>
    </section>
  );
}
