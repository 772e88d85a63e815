import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import { NoTenant } from "@/components/app/no-tenant";
import { SettingsSection } from "@/components/settings/section";
import { Alert } from "@/components/ui/alert";
import { DailyChart } from "@/components/usage/daily-chart";
import { UsageAlerts } from "@/components/usage/usage-alerts";
import { MemberBreakdown, ProjectBreakdown } from "@/components/usage/usage-breakdown";
import { UsageMeter } from "@/components/usage/usage-meter";
import { can } from "@/server/domain/rbac/permissions";
import { isUsageMetric } from "@/server/domain/usage/metrics";
import { getCurrentTenant, getServerApi } from "@/trpc/server";

export async function generateMetadata() {
  return { title: (await getTranslations("usage"))("title") };
}

/** The daily chart shows API calls unless ?metric= names another metric. */
const DEFAULT_CHART_METRIC = "api_calls";

export default async function UsagePage({ params, searchParams }: { params: Promise<{ locale: string }>; searchParams: Promise<{ metric?: string }> }) {
  setRequestLocale((await params).locale);
  const { metric } = await searchParams;
  const api = await getServerApi();
  const tenant = await getCurrentTenant();
  if (!tenant) return <NoTenant />;
  const t = await getTranslations("usage");
  const title = <h1 className="text-2xl font-semibold">{t("title")}</h1>;
  if (!can(tenant.permissions, "usage:read")) {
    return (
      <div className="flex flex-col gap-6">
        {title}
        <Alert>{t("forbidden")}</Alert>
      </div>
    );
  }

  const overview = await api.usage.overview();
  const format = await getFormatter();
  const { period, credits } = overview;
  const expiring = credits.lots.flatMap(({ id, remaining, expiresAt }) => (expiresAt ? [{ id, remaining, expiresAt }] : []));
  return (
    <div className="flex flex-col gap-6">
      <div>
        {title}
        <p className="mt-1 text-sm text-muted-foreground">
          {t("subtitle", {
            plan: overview.plan.name,
            // The period is a calendar month in UTC; its end is exclusive.
            period: format.dateTimeRange(period.start, new Date(period.end.getTime() - 1), { dateStyle: "medium", timeZone: "UTC" }),
          })}
        </p>
      </div>
      <UsageAlerts overview={overview} canManageBilling={can(tenant.permissions, "billing:manage")} />

      <SettingsSection title={t("current.title")}>
        <ul aria-label={t("current.title")} className="divide-y">
          {overview.metrics.map((meter) => (
            <UsageMeter key={meter.metric} meter={meter} creditsAvailable={credits.available} />
          ))}
        </ul>
      </SettingsSection>

      <SettingsSection title={t("daily.title")}>
        <DailyChart daily={overview.daily} metric={metric && isUsageMetric(metric) ? metric : DEFAULT_CHART_METRIC} />
      </SettingsSection>

      <SettingsSection title={t("byProject.title")}>
        <ProjectBreakdown rows={overview.byProject} />
      </SettingsSection>

      <SettingsSection title={t("byMember.title")} description={t("byMember.description")}>
        <MemberBreakdown rows={overview.byActor} />
      </SettingsSection>

      <SettingsSection title={t("credits.title")}>
        <p className="text-3xl font-semibold tabular-nums" data-testid="usage-credit-balance">
          {format.number(credits.available)}
        </p>
        <p className="text-sm text-muted-foreground">{t("credits.balance")}</p>
        <h3 className="mt-4 text-sm font-semibold">{t("credits.expiries")}</h3>
        {expiring.length === 0 ? (
          <p className="mt-1 text-sm text-muted-foreground">{t("credits.noExpiries")}</p>
        ) : (
          <ul aria-label={t("credits.expiries")} className="mt-1 text-sm text-muted-foreground">
            {expiring.map((lot) => (
              <li key={lot.id}>{t("credits.expires", { count: lot.remaining, date: format.dateTime(lot.expiresAt, { dateStyle: "medium" }) })}</li>
            ))}
          </ul>
        )}
      </SettingsSection>
    </div>
  );
}
