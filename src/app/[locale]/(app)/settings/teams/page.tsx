import { getTranslations, setRequestLocale } from "next-intl/server";
import { TeamsPanel } from "@/components/settings/teams-panel";
import { can } from "@/server/domain/rbac/permissions";
import { getCurrentTenant } from "@/trpc/server";

export async function generateMetadata() {
  return { title: (await getTranslations("settings.nav"))("teams") };
}

export default async function TeamsPage({ params }: { params: Promise<{ locale: string }> }) {
  setRequestLocale((await params).locale);
  const tenant = await getCurrentTenant();
  if (!tenant) return null; // the settings layout shows why
  const t = await getTranslations("settings.teams");
  return (
    <>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <TeamsPanel canManage={can(tenant.permissions, "team:manage")} />
    </>
  );
}
