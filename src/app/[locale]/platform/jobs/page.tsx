import { getTranslations, setRequestLocale } from "next-intl/server";
import { JobsCounts } from "@/components/platform/jobs-counts";
import { JobsFilters } from "@/components/platform/jobs-filters";
import { JobsTable } from "@/components/platform/jobs-table";
import { getPlatformGate } from "@/components/platform/platform-gate";
import { listJobsInputSchema } from "@/server/domain/jobs/admin";
import { getServerApi } from "@/trpc/server";

const JOBS_PER_PAGE = 25;

type Search = Record<"status" | "name" | "q" | "cursor", string | string[] | undefined>;

/** The filters from the URL; a value the list would refuse (unknown status, tampered cursor) is dropped, not an error page. */
function parseFilters(search: Partial<Search>) {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const shape = listJobsInputSchema.shape;
  const keep = <T,>(result: { success: true; data: T } | { success: false }) => (result.success ? result.data : undefined);
  return {
    status: keep(shape.status.safeParse(one(search.status) || undefined)),
    name: keep(shape.name.safeParse(one(search.name))),
    search: keep(shape.search.safeParse(one(search.q))),
    cursor: keep(shape.cursor.safeParse(one(search.cursor))) ?? undefined,
  };
}

/** Background jobs for platform staff (issue 4): counts, filters, the list, Retry and Cancel. */
export default async function PlatformJobsPage({ params, searchParams }: { params: Promise<{ locale: string }>; searchParams: Promise<Partial<Search>> }) {
  setRequestLocale((await params).locale);
  // The layout shows the refusal or the two-factor setup instead; render nothing that would fail.
  if ((await getPlatformGate()) !== "open") return null;
  const { cursor, ...filters } = parseFilters(await searchParams);
  const api = await getServerApi();
  const [stats, page] = await Promise.all([
    api.admin.jobs.stats(),
    api.admin.jobs.list({ ...filters, cursor: cursor ?? null, limit: JOBS_PER_PAGE }),
  ]);
  const t = await getTranslations("platform.jobs");
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="mt-1 text-sm text-muted-foreground">{t("subtitle")}</p>
      </div>
      <JobsCounts stats={stats} active={filters.status} />
      <JobsFilters values={filters} />
      <JobsTable page={page} filters={filters} isFirstPage={!cursor} />
    </div>
  );
}
