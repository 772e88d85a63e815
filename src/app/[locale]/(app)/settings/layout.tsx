import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { NoTenant } from "@/components/app/no-tenant";
import { Link } from "@/i18n/navigation";
import { can } from "@/server/domain/rbac/permissions";
import { getCurrentTenant } from "@/trpc/server";

export default async function SettingsLayout({ children }: { children: ReactNode }) {
  const tenant = await getCurrentTenant();
  if (!tenant) return <NoTenant />;
  const t = await getTranslations("settings.nav");
  const items = [
    { href: "/settings/workspace", label: t("workspace"), show: true },
    { href: "/settings/members", label: t("members"), show: can(tenant.permissions, "member:read") },
    { href: "/settings/teams", label: t("teams"), show: can(tenant.permissions, "team:read") },
    { href: "/settings/roles", label: t("roles"), show: can(tenant.permissions, "role:read") },
    { href: "/settings/billing", label: t("billing"), show: can(tenant.permissions, "billing:read") },
    { href: "/settings/notifications", label: t("notifications"), show: true },
  ].filter((i) => i.show);
  return (
    <div className="flex flex-col gap-6 md:flex-row">
      <nav aria-label={t("label")} className="md:w-48">
        <ul className="flex gap-1 md:flex-col">
          {items.map((item) => (
            <li key={item.href}>
              <Link href={item.href} className="block rounded-md px-3 py-2 text-sm hover:bg-muted">
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="flex min-w-0 flex-1 flex-col gap-6">{children}</div>
    </div>
  );
}
