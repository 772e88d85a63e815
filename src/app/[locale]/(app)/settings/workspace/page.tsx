import { getTranslations, setRequestLocale } from "next-intl/server";
import { WorkspaceSettings } from "@/components/settings/workspace-settings";
import { can } from "@/server/domain/rbac/permissions";
import { getCurrentTenant } from "@/trpc/server";

export async function generateMetadata() {
  return { title: (await getTranslations("settings.nav"))("workspace") };
}

export default async function WorkspaceSettingsPage({ params }: { params: Promise<{ locale: string }> }) {
  setRequestLocale((await params).locale);
  const tenant = await getCurrentTenant();
  if (!tenant) return null; // the settings layout shows why
  const t = await getTranslations("settings.workspace");
  return (
    <>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <WorkspaceSettings
        tenant={{ id: tenant.id, name: tenant.name }}
        canRename={can(tenant.permissions, "tenant:update")}
        canDelete={can(tenant.permissions, "tenant:delete")}
        singleTenantMode={tenant.singleTenantMode}
      />
    </>
  );
}
