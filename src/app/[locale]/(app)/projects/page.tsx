import { getTranslations, setRequestLocale } from "next-intl/server";
import { NoTenant } from "@/components/app/no-tenant";
import { ProjectsPanel } from "@/components/projects/projects-panel";
import { can } from "@/server/domain/rbac/permissions";
import { getCurrentTenant, getServerApi } from "@/trpc/server";

export async function generateMetadata() {
  return { title: (await getTranslations("projects"))("title") };
}

export default async function ProjectsPage({ params }: { params: Promise<{ locale: string }> }) {
  setRequestLocale((await params).locale);
  const api = await getServerApi();
  const tenant = await getCurrentTenant();
  if (!tenant) return <NoTenant />;
  const projects = await api.projects.list();
  const t = await getTranslations("projects");
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="mt-1 text-sm text-muted-foreground">{t("subtitle", { tenant: tenant.name })}</p>
      </div>
      <ProjectsPanel
        initial={projects}
        canCreate={can(tenant.permissions, "project:create")}
        canUpdate={can(tenant.permissions, "project:update")}
        canDelete={can(tenant.permissions, "project:delete")}
        canManageBilling={can(tenant.permissions, "billing:manage")}
      />
    </div>
  );
}
