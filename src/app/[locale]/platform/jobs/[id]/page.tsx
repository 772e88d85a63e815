import { TRPCError } from "@trpc/server";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { JobDetail } from "@/components/platform/jobs-detail";
import { getPlatformGate } from "@/components/platform/platform-gate";
import { Link } from "@/i18n/navigation";
import { entityIdSchema } from "@/server/domain/validation";
import { getServerApi } from "@/trpc/server";

/** One job: payload, result, the full last error, Retry / Cancel and the admin actions taken on it. */
export default async function PlatformJobPage({ params }: { params: Promise<{ locale: string; id: string }> }) {
  const { locale, id } = await params;
  setRequestLocale(locale);
  if ((await getPlatformGate()) !== "open") return null;
  const t = await getTranslations("platform.jobs.detail");
  const parsed = entityIdSchema.safeParse(id);
  const job = parsed.success
    ? await (await getServerApi()).admin.jobs.get({ id: parsed.data }).catch((error: unknown) => {
        if (error instanceof TRPCError && error.code === "NOT_FOUND") return null;
        throw error;
      })
    : null;
  if (!job) {
    return (
      <section className="rounded-lg border p-8 text-center">
        <h1 className="text-lg font-semibold">{t("notFound")}</h1>
        <Link href="/platform/jobs" className="mt-4 inline-block text-sm underline-offset-4 hover:underline">
          {t("back")}
        </Link>
      </section>
    );
  }
  return <JobDetail job={job} />;
}
