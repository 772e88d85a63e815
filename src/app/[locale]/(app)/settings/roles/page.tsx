import { getTranslations, setRequestLocale } from "next-intl/server";
import { RolesPanel } from "@/components/settings/roles-panel";
import { can } from "@/server/domain/rbac/permissions";
import { getCurrentTenant } from "@/trpc/server";

export async function generateMetadata() {
  return { title: (await getTranslations("settings.nav"))("roles") };
}

export default async function RolesPage({ params }: { params: Promise<{ locale: string }> }) {
  setRequestLocale((await params).locale);
  const tenant = await getCurrentTenant();
  if (!tenant) return null; // the settings layout shows why
  const t = await getTranslations("settings.roles");
  return (
    <>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <RolesPanel canManage={can(tenant.permissions, "role:manage")} />
    </>
  );
}
