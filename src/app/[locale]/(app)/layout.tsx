import { getTranslations, setRequestLocale } from "next-intl/server";
import type { ReactNode } from "react";
import { BillingStateBadge } from "@/components/app/billing-state-badge";
import { BillingBanner } from "@/components/billing/billing-banner";
import { TenantSwitcher } from "@/components/app/tenant-switcher";
import { Toaster } from "@/components/app/toaster";
import { UserMenu } from "@/components/app/user-menu";
import { LanguageSwitcher } from "@/components/language-switcher";
import { Link, redirect } from "@/i18n/navigation";
import { isLocale, defaultLocale } from "@/i18n/routing";
import { can } from "@/server/domain/rbac/permissions";
import { isSingleTenantMode } from "@/server/domain/tenancy/single-tenant";
import { unlessSignedOut } from "@/trpc/no-workspace";
import { getCurrentTenant, getServerApi } from "@/trpc/server";

export default async function AppLayout({ children, params }: { children: ReactNode; params: Promise<{ locale: string }> }) {
  const { locale: raw } = await params;
  const locale = isLocale(raw) ? raw : defaultLocale;
  setRequestLocale(locale);
  const api = await getServerApi();
  // Signed out: to sign-in. A database outage is not "signed out": it goes to the error page.
  const me = await unlessSignedOut(api.me.get());
  if (!me) return redirect({ href: "/sign-in", locale });

  const t = await getTranslations("app");
  const active = me.memberships.find((m) => m.tenantId === me.activeTenantId) ?? me.memberships[0];
  // The viewer's permissions in the active workspace: the Usage link, and who gets the portal button in dunning.
  const current = active ? await getCurrentTenant() : null;
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="border-b">
        <div className="mx-auto flex max-w-5xl items-center justify-between gap-4 px-6 py-3">
          <div className="flex items-center gap-3">
            {active && (
              <>
                {isSingleTenantMode() ? (
                  <span className="font-semibold tracking-tight">{active.tenant.name}</span>
                ) : (
                  <TenantSwitcher tenants={me.memberships.map((m) => m.tenant)} activeId={active.tenantId} />
                )}
                <BillingStateBadge state={active.tenant.billingState} trialEndsAt={active.tenant.trialEndsAt} />
              </>
            )}
            <nav aria-label={t("nav.mainNavigation")} className="flex items-center gap-1 text-sm">
              <Link href="/projects" className="rounded-md px-2 py-1 hover:bg-muted">
                {t("nav.projects")}
              </Link>
              {current && can(current.permissions, "usage:read") && (
                <Link href="/usage" className="rounded-md px-2 py-1 hover:bg-muted">
                  {t("nav.usage")}
                </Link>
              )}
              {active && (
                <Link href="/settings" className="rounded-md px-2 py-1 hover:bg-muted">
                  {t("nav.settings")}
                </Link>
              )}
            </nav>
          </div>
          <div className="flex items-center gap-3">
            <LanguageSwitcher />
            <UserMenu name={me.user.name} email={me.user.email} />
          </div>
        </div>
      </header>
      {active?.tenant.billingState === "past_due" && current && (
        <BillingBanner billingState={active.tenant.billingState} graceEndsAt={active.tenant.graceEndsAt} canManage={can(current.permissions, "billing:manage")} />
      )}
      <main className="mx-auto w-full max-w-5xl flex-1 px-6 py-8">
        {children}
      </main>
      <Toaster />
    </div>
  );
}
