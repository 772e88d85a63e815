import { getFormatter, getTranslations } from "next-intl/server";
import { JobActions } from "@/components/platform/jobs-actions";
import { JobStatusBadge } from "@/components/platform/jobs-status-badge";
import { Link } from "@/i18n/navigation";
import type { AppRouter } from "@/server/api/root";
import { canCancel, canRetry } from "@/server/domain/jobs/admin";
import type { inferRouterOutputs } from "@trpc/server";

type Job = inferRouterOutputs<AppRouter>["admin"]["jobs"]["get"];

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** Everything about one job: facts, payload and result as JSON, the full last error, and the admin actions taken. */
export async function JobDetail({ job }: { job: Job }) {
  const t = await getTranslations("platform.jobs");
  const format = await getFormatter();
  const when = (d: Date | null) => (d ? format.dateTime(d, { dateStyle: "medium", timeStyle: "medium" }) : t("table.none"));
  const facts: [string, string][] = [
    [t("detail.id"), job.id],
    [t("table.attempts"), t("table.attemptsValue", { attempts: job.attempts, max: job.maxAttempts })],
    [t("table.runAt"), when(job.runAt)],
    [t("detail.created"), when(job.createdAt)],
    [t("detail.started"), when(job.startedAt)],
    [t("detail.finished"), when(job.finishedAt)],
    [t("table.updated"), when(job.updatedAt)],
    [t("detail.idempotencyKey"), job.idempotencyKey ?? t("table.none")],
    [t("detail.lockedBy"), job.lockedBy ?? t("table.none")],
    [t("detail.leaseExpires"), when(job.leaseExpiresAt)],
  ];
  const historyAction = (action: string) => {
    if (action === "job.retried") return t("actions.history.retried");
    if (action === "job.canceled") return t("actions.history.canceled");
    return action;
  };

  return (
    <article aria-labelledby="job-title" className="flex flex-col gap-6">
      <div className="flex flex-col gap-2">
        <Link href="/platform/jobs" className="text-sm text-muted-foreground underline-offset-4 hover:underline">
          ← {t("detail.back")}
        </Link>
        <div className="flex flex-wrap items-center gap-3">
          <h1 id="job-title" className="font-mono text-2xl font-semibold">
            {job.name}
          </h1>
          <JobStatusBadge status={job.status} />
        </div>
        <JobActions id={job.id} canRetry={canRetry(job.status)} canCancel={canCancel(job.status)} />
      </div>

      <dl aria-label={t("detail.facts")} className="grid grid-cols-1 gap-x-6 gap-y-2 rounded-lg border p-4 text-sm sm:grid-cols-[max-content_1fr]">
        {facts.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-muted-foreground">{label}</dt>
            <dd className="break-all font-mono text-xs sm:text-sm">{value}</dd>
          </div>
        ))}
      </dl>

      <section aria-labelledby="job-error" className="flex flex-col gap-2">
        <h2 id="job-error" className="text-lg font-semibold">
          {t("detail.lastError")}
        </h2>
        {job.lastError ? (
          <pre className="overflow-x-auto whitespace-pre-wrap break-words rounded-lg border border-red-300 bg-red-50 p-3 text-xs text-red-900 dark:bg-red-950 dark:text-red-100">
            {job.lastError}
          </pre>
        ) : (
          <p className="text-sm text-muted-foreground">{t("detail.noError")}</p>
        )}
      </section>

      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="job-payload" className="flex flex-col gap-2">
          <h2 id="job-payload" className="text-lg font-semibold">
            {t("detail.payload")}
          </h2>
          <pre className="overflow-x-auto rounded-lg border bg-muted/40 p-3 text-xs">{json(job.payload)}</pre>
        </section>
        <section aria-labelledby="job-result" className="flex flex-col gap-2">
          <h2 id="job-result" className="text-lg font-semibold">
            {t("detail.result")}
          </h2>
          {job.result === null || job.result === undefined ? (
            <p className="text-sm text-muted-foreground">{t("detail.noResult")}</p>
          ) : (
            <pre className="overflow-x-auto rounded-lg border bg-muted/40 p-3 text-xs">{json(job.result)}</pre>
          )}
        </section>
      </div>

      <section aria-labelledby="job-history" className="flex flex-col gap-2">
        <h2 id="job-history" className="text-lg font-semibold">
          {t("detail.history")}
        </h2>
        {job.history.length === 0 ? (
          <p className="text-sm text-muted-foreground">{t("detail.historyEmpty")}</p>
        ) : (
          <ul aria-label={t("detail.history")} className="divide-y rounded-lg border text-sm">
            {job.history.map((entry) => (
              <li key={entry.id} className="flex flex-wrap justify-between gap-2 px-3 py-2">
                <span>
                  {t("detail.historyEntry", { action: historyAction(entry.action), actor: entry.actorName ?? t("detail.unknownActor") })}
                </span>
                <time dateTime={entry.createdAt.toISOString()} className="text-muted-foreground">
                  {when(entry.createdAt)}
                </time>
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}
