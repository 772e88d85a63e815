import { getTranslations, setRequestLocale } from "next-intl/server";
import { MembersPanel } from "@/components/settings/members-panel";
import { can } from "@/server/domain/rbac/permissions";
import { getCurrentTenant, getServerApi } from "@/trpc/server";

export async function generateMetadata() {
  return { title: (await getTranslations("settings.nav"))("members") };
}

export default async function MembersPage({ params }: { params: Promise<{ locale: string }> }) {
  setRequestLocale((await params).locale);
  const api = await getServerApi();
  const [tenant, me] = await Promise.all([getCurrentTenant(), api.me.get()]);
  if (!tenant) return null; // the settings layout shows why
  const t = await getTranslations("settings.members");
  return (
    <>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <MembersPanel
        currentUserId={me.user.id}
        canInvite={can(tenant.permissions, "member:invite")}
        canUpdate={can(tenant.permissions, "member:update")}
        canRemove={can(tenant.permissions, "member:remove")}
      />
    </>
  );
}
