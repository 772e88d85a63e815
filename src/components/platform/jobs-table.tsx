import { getFormatter, getTranslations } from "next-intl/server";
import { JobActions } from "@/components/platform/jobs-actions";
import { JobStatusBadge } from "@/components/platform/jobs-status-badge";
import { Link } from "@/i18n/navigation";
import type { AppRouter } from "@/server/api/root";
import { canCancel, canRetry } from "@/server/domain/jobs/admin";
import type { inferRouterOutputs } from "@trpc/server";
import type { JobsFilterValues } from "./jobs-filters";

type JobsPage = inferRouterOutputs<AppRouter>["admin"]["jobs"]["list"];

/** One page of admin.jobs.list; the next page is a link carrying the filters, so it works without JavaScript. */
export async function JobsTable({ page, filters, isFirstPage }: { page: JobsPage; filters: JobsFilterValues; isFirstPage: boolean }) {
  const t = await getTranslations("platform.jobs");
  const format = await getFormatter();
  const query = Object.fromEntries(
    Object.entries({ status: filters.status, name: filters.name, q: filters.search }).filter((e): e is [string, string] => !!e[1]),
  );
  const filtered = Object.keys(query).length > 0;
  const when = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeStyle: "short" });

  return (
    <section className="flex flex-col gap-3">
      {page.items.length === 0 ? (
        <div className="rounded-lg border border-dashed p-10 text-center">
          <h2 className="font-medium">{t("empty.title")}</h2>
          <p className="mt-1 text-sm text-muted-foreground">{filtered || !isFirstPage ? t("empty.filtered") : t("empty.all")}</p>
        </div>
      ) : (
        <div className="overflow-x-auto rounded-lg border">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">{t("table.caption")}</caption>
            <thead className="bg-muted/50 text-xs uppercase text-muted-foreground">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">{t("table.name")}</th>
                <th scope="col" className="px-3 py-2 font-medium">{t("table.status")}</th>
                <th scope="col" className="px-3 py-2 text-right font-medium">{t("table.attempts")}</th>
                <th scope="col" className="px-3 py-2 font-medium">{t("table.runAt")}</th>
                <th scope="col" className="px-3 py-2 font-medium">{t("table.updated")}</th>
                <th scope="col" className="px-3 py-2 font-medium">{t("table.lastError")}</th>
                <th scope="col" className="px-3 py-2 font-medium">{t("table.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((job) => (
                <tr key={job.id} className="border-t align-top" data-job-id={job.id}>
                  <th scope="row" className="px-3 py-2 font-mono text-xs font-medium">
                    <Link href={`/platform/jobs/${job.id}`} className="underline-offset-4 hover:underline">
                      {job.name}
                    </Link>
                  </th>
                  <td className="px-3 py-2">
                    <JobStatusBadge status={job.status} />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{t("table.attemptsValue", { attempts: job.attempts, max: job.maxAttempts })}</td>
                  <td className="px-3 py-2 whitespace-nowrap">{when(job.runAt)}</td>
                  <td className="px-3 py-2 whitespace-nowrap">{when(job.updatedAt)}</td>
                  <td className="max-w-xs px-3 py-2">
                    {job.lastError ? (
                      <span className="line-clamp-2 break-words text-xs text-muted-foreground" title={job.lastError}>
                        {job.lastError}
                      </span>
                    ) : (
                      <span className="text-muted-foreground">{t("table.none")}</span>
                    )}
                  </td>
                  <td className="px-3 py-2">
                    <JobActions id={job.id} canRetry={canRetry(job.status)} canCancel={canCancel(job.status)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label={t("paging.label")} className="flex gap-4 text-sm">
        {!isFirstPage && (
          <Link href={{ pathname: "/platform/jobs", query }} className="underline-offset-4 hover:underline">
            {t("paging.first")}
          </Link>
        )}
        {page.nextCursor && (
          <Link href={{ pathname: "/platform/jobs", query: { ...query, cursor: page.nextCursor } }} className="underline-offset-4 hover:underline">
            {t("paging.next")}
          </Link>
        )}
      </nav>
    </section>
  );
}
