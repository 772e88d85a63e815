import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import { BillingStateBadge } from "@/components/app/billing-state-badge";
import { CancelSubscriptionDialog } from "@/components/billing/cancel-subscription-dialog";
import { CheckoutReturnNotice } from "@/components/billing/checkout-return-notice";
import { CreditTopUp } from "@/components/billing/credit-topup";
import { formatMoney } from "@/components/billing/money";
import { OpenPortalButton } from "@/components/billing/open-portal-button";
import { PlanChooser } from "@/components/billing/plan-chooser";
import { SettingsSection } from "@/components/settings/section";
import { Alert } from "@/components/ui/alert";
import { can } from "@/server/domain/rbac/permissions";
import { getCurrentTenant, getServerApi } from "@/trpc/server";

export async function generateMetadata() {
  return { title: (await getTranslations("settings.nav"))("billing") };
}

type Search = { checkout?: string; session_id?: string; interval?: string; plan?: string };

/** The notice after the hosted checkout: "confirmed"/"failed" after the reload, else what the provider has confirmed so far. */
async function checkoutReturn(search: Search, api: Awaited<ReturnType<typeof getServerApi>>) {
  if (search.checkout === "confirmed") return "succeeded";
  if (search.checkout === "failed") return "failed";
  if (search.checkout !== "succeeded" || !search.session_id) return null;
  const { outcome } = await api.billing.checkoutStatus({ sessionId: search.session_id }).catch(() => ({ outcome: "unknown" as const }));
  return outcome === "unknown" ? null : outcome;
}

export default async function BillingPage({ params, searchParams }: { params: Promise<{ locale: string }>; searchParams: Promise<Search> }) {
  setRequestLocale((await params).locale);
  const search = await searchParams;
  const api = await getServerApi();
  const [tenant, overview, returned] = await Promise.all([getCurrentTenant(), api.billing.overview(), checkoutReturn(search, api)]);
  if (!tenant) return null; // the settings layout shows why
  const canManage = can(tenant.permissions, "billing:manage");
  const t = await getTranslations("billing.page");
  const format = await getFormatter();
  const date = (d: Date) => format.dateTime(d, { dateStyle: "medium" });
  const { plan, credits } = overview;

  const status = (() => {
    switch (overview.state) {
      case "trial":
        return overview.trialEndsAt ? t("status.trial", { days: overview.trialDaysLeft ?? 0, date: date(overview.trialEndsAt) }) : null;
      case "active":
        return overview.periodEnd ? t("status.renews", { date: date(overview.periodEnd) }) : null;
      case "past_due":
        return overview.graceEndsAt ? t("status.pastDue", { date: date(overview.graceEndsAt) }) : null;
      case "suspended":
      case "on_hold":
        return t("status.suspended");
      case "canceled":
        return overview.periodEnd ? t("status.canceled", { date: date(overview.periodEnd) }) : null;
      case "ended":
      case "expired":
        return t("status.ended");
      default:
        // No subscription: the workspace trial, or the free plan.
        return overview.badge === "trial" && overview.trialEndsAt
          ? t("status.trial", { days: overview.trialDaysLeft ?? 0, date: date(overview.trialEndsAt) })
          : t("status.free");
    }
  })();

  return (
    <>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      {returned === "pending" && search.session_id && <CheckoutReturnNotice sessionId={search.session_id} />}
      {returned === "succeeded" && <Alert variant="success">{t("checkoutReturn.confirmed")}</Alert>}
      {returned === "failed" && <Alert variant="error">{t("checkoutReturn.failed")}</Alert>}

      <SettingsSection title={t("current.title")}>
        <div className="flex flex-wrap items-center gap-3">
          <span className="text-lg font-semibold" data-testid="current-plan">
            {plan.name}
          </span>
          <BillingStateBadge state={overview.badge} trialEndsAt={overview.trialEndsAt} />
          {plan.price && plan.interval && (
            <span className="text-sm text-muted-foreground">{t(`plans.price.${plan.interval}`, { price: formatMoney(format, plan.price) })}</span>
          )}
        </div>
        {status && <p className="mt-2 text-sm text-muted-foreground">{status}</p>}
        {canManage && (overview.portalAvailable || (overview.hasLiveSubscription && !overview.cancelAtPeriodEnd)) && (
          <div className="mt-4 flex flex-wrap items-start gap-3">
            {overview.portalAvailable && <OpenPortalButton label={t("current.portal")} variant="outline" />}
            {overview.hasLiveSubscription && !overview.cancelAtPeriodEnd && <CancelSubscriptionDialog periodEnd={overview.periodEnd} />}
          </div>
        )}
      </SettingsSection>

      <SettingsSection title={t("plans.title")} description={overview.hasLiveSubscription ? t("plans.changeDescription") : t("plans.subscribeDescription")}>
        <PlanChooser
          plans={overview.plans}
          hasLiveSubscription={overview.hasLiveSubscription}
          canManage={canManage}
          initialInterval={search.interval === "yearly" || plan.interval === "yearly" ? "yearly" : "monthly"}
          highlight={search.plan}
        />
      </SettingsSection>

      <SettingsSection title={t("credits.title")} description={t("credits.description")}>
        <p className="text-3xl font-semibold tabular-nums" data-testid="credit-balance">
          {format.number(credits.balance)}
        </p>
        <p className="text-sm text-muted-foreground">{t("credits.balance")}</p>
        {credits.upcomingExpiries.length > 0 && (
          <ul className="mt-3 text-sm text-muted-foreground">
            {credits.upcomingExpiries.slice(0, 3).map((e) => (
              <li key={e.id}>{t("credits.expires", { count: e.amount, date: date(e.expiresAt) })}</li>
            ))}
          </ul>
        )}
        {canManage && (
          <div className="mt-4">
            <CreditTopUp packs={overview.creditPacks} />
          </div>
        )}
        <h3 className="mt-6 text-sm font-semibold">{t("credits.ledger")}</h3>
        {credits.entries.length === 0 ? (
          <p className="mt-2 text-sm text-muted-foreground">{t("credits.empty")}</p>
        ) : (
          <table className="mt-2 w-full text-sm" aria-label={t("credits.ledger")}>
            <thead className="text-left text-muted-foreground">
              <tr>
                <th className="py-1 pr-4 font-medium">{t("credits.date")}</th>
                <th className="py-1 pr-4 font-medium">{t("credits.kind")}</th>
                <th className="py-1 pr-4 text-right font-medium">{t("credits.amount")}</th>
                <th className="py-1 pr-4 font-medium">{t("credits.expiresAt")}</th>
              </tr>
            </thead>
            <tbody>
              {credits.entries.map((e) => (
                <tr key={e.id} className="border-t">
                  <td className="py-1 pr-4 pr-4">{date(e.createdAt)}</td>
                  <td className="py-1 pr-4 pr-4">{t(`credits.kinds.${e.kind}`)}</td>
                  <td className="py-1 pr-4 text-right tabular-nums">{format.number(e.amount, { signDisplay: "exceptZero" })}</td>
                  <td className="py-1 pr-4 pr-4">{e.expiresAt ? date(e.expiresAt) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </SettingsSection>

      <SettingsSection title={t("payments.title")} description={overview.portalAvailable ? t("payments.invoices") : undefined}>
        {overview.payments.length === 0 ? (
          <p className="text-sm text-muted-foreground">{t("payments.empty")}</p>
        ) : (
          <table className="w-full text-sm" aria-label={t("payments.title")}>
            <thead className="text-left text-muted-foreground">
              <tr>
                <th className="py-1 pr-4 font-medium">{t("payments.date")}</th>
                <th className="py-1 pr-4 font-medium">{t("payments.product")}</th>
                <th className="py-1 pr-4 font-medium">{t("payments.status")}</th>
                <th className="py-1 pr-4 text-right font-medium">{t("payments.amount")}</th>
              </tr>
            </thead>
            <tbody>
              {overview.payments.map((p) => (
                <tr key={p.id} className="border-t" data-payment-type={p.type}>
                  <td className="py-1 pr-4 pr-4">{date(p.date)}</td>
                  <td className="py-1 pr-4 pr-4">{p.product?.name ?? "—"}</td>
                  <td className="py-1 pr-4 pr-4">{t(`payments.types.${p.type === "payment.succeeded" ? "succeeded" : p.type === "payment.failed" ? "failed" : "refunded"}`)}</td>
                  <td className="py-1 pr-4 text-right tabular-nums">{p.amount !== null && p.currency ? formatMoney(format, { amount: p.amount, currency: p.currency }) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </SettingsSection>
    </>
  );
}
