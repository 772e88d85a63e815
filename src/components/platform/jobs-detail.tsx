import { getFormatter, getTranslations } from "next-intl/server";
import { DetailEmpty, DetailFacts, DetailHeader, DetailSection, ErrorBlock, JsonBlock } from "@/components/platform/detail-parts";
import { JobActions } from "@/components/platform/jobs-actions";
import { JobStatusBadge } from "@/components/platform/jobs-status-badge";
import type { AppRouter } from "@/server/api/root";
import { canCancel, canRetry } from "@/server/domain/jobs/admin";
import type { inferRouterOutputs } from "@trpc/server";

type Job = inferRouterOutputs<AppRouter>["admin"]["jobs"]["get"];

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
      <DetailHeader
        back={{ href: "/platform/jobs", label: t("detail.back") }}
        titleId="job-title"
        title={job.name}
        badge={<JobStatusBadge status={job.status} />}
      >
        <JobActions id={job.id} canRetry={canRetry(job.status)} canCancel={canCancel(job.status)} />
      </DetailHeader>

      <DetailFacts label={t("detail.facts")} facts={facts} />

      <DetailSection id="job-error" title={t("detail.lastError")}>
        <ErrorBlock error={job.lastError} none={t("detail.noError")} />
      </DetailSection>

      <div className="grid gap-6 lg:grid-cols-2">
        <DetailSection id="job-payload" title={t("detail.payload")}>
          <JsonBlock value={job.payload} />
        </DetailSection>
        <DetailSection id="job-result" title={t("detail.result")}>
          {job.result === null || job.result === undefined ? <DetailEmpty>{t("detail.noResult")}</DetailEmpty> : <JsonBlock value={job.result} />}
        </DetailSection>
      </div>

      <DetailSection id="job-history" title={t("detail.history")}>
        {job.history.length === 0 ? (
          <DetailEmpty>{t("detail.historyEmpty")}</DetailEmpty>
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
      </DetailSection>
    </article>
  );
}
