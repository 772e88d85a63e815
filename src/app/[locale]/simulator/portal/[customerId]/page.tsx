import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { formatMoney } from "@/components/billing/money";
import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import type { ReactNode } from "react";
import { PortalActionButton } from "@/components/simulator/portal-action-button";
import { portalAction } from "../../actions";
import { productLabel } from "@/components/simulator/product-label";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { env } from "@/env";
import { prisma } from "@/server/db/client";
import { canOpenSimulatorPortal, signedInUserId } from "@/server/domain/billing/simulator-access";
import { getPortalView, sameOriginReturnUrl } from "@/server/providers/payments/simulator/portal";
import { paymentSimulatorEnabled } from "@/server/providers/payments";

export const dynamic = "force-dynamic";

/** One card of the portal: its title, then a table with a row per item, or a line saying there is none. */
function PortalTable({ title, empty, columns, rows }: { title: string; empty: string; columns: string[]; rows: ReactNode[] }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
      </CardHeader>
      <CardContent>
        {rows.length === 0 ? (
          <p className="text-sm text-muted-foreground">{empty}</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="border-b text-muted-foreground">
              <tr>
                {columns.map((label) => (
                  <th key={label} className="py-2 font-medium">
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y">{rows}</tbody>
          </table>
        )}
      </CardContent>
    </Card>
  );
}

export default async function SimulatorPortalPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string; customerId: string }>;
  searchParams: Promise<{ return_url?: string | string[] }>;
}) {
  if (!paymentSimulatorEnabled) notFound();
  const { locale, customerId } = await params;
  setRequestLocale(locale);
  // Only for whoever may manage the billing of the customer's tenant (see access.ts); others: 404.
  if (!(await canOpenSimulatorPortal(prisma, { userId: await signedInUserId(await headers()), customerId }))) notFound();
  const view = await getPortalView(prisma, customerId);
  if (!view) notFound();
  const { return_url: rawReturnUrl } = await searchParams;
  const backUrl = sameOriginReturnUrl(typeof rawReturnUrl === "string" ? rawReturnUrl : undefined, env.APP_URL);
  const t = await getTranslations("simulator");
  const format = await getFormatter();
  const money = (amount: number, currency: string) => formatMoney(format, { amount, currency });

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">{t("portal.title")}</h1>
          <p className="mt-1 text-sm text-muted-foreground">{t("portal.customer", { name: view.name, email: view.email })}</p>
        </div>
        {backUrl && (
          <Button asChild variant="outline">
            <a href={backUrl}>{t("portal.backToApp")}</a>
          </Button>
        )}
      </div>
      <p className="text-sm text-muted-foreground">{t("portal.deliveryNote")}</p>

      <PortalTable
        title={t("portal.subscriptions")}
        empty={t("portal.noSubscriptions")}
        columns={[t("portal.columns.product"), t("portal.columns.status"), t("portal.columns.nextBilling"), t("portal.columns.actions")]}
        rows={view.subscriptions.map((s) => (
          <tr key={s.subscriptionId} className="align-top">
            <td className="py-3 pr-4">
              <div className="font-medium">{s.product ? productLabel(t, s.product) : s.productId}</div>
              <div className="text-xs text-muted-foreground">{t("portal.quantity", { count: s.quantity })}</div>
            </td>
            <td className="py-3 pr-4">
              <div className="flex flex-col items-start gap-1">
                <Badge variant={s.status === "active" ? "success" : "danger"}>{t(`portal.status.${s.status}`)}</Badge>
                {s.cancelAtPeriodEnd && <Badge variant="warning">{t("portal.cancelsAtPeriodEnd")}</Badge>}
              </div>
            </td>
            <td className="py-3 pr-4">{format.dateTime(s.nextBillingDate, { dateStyle: "medium" })}</td>
            <td className="py-3">
              <div className="flex flex-wrap gap-2">
                {s.status === "active" && !s.cancelAtPeriodEnd && (
                  <>
                    <PortalActionButton action={portalAction} customerId={view.customerId} operation="renew-now" targetId={s.subscriptionId} />
                    <PortalActionButton action={portalAction} customerId={view.customerId} operation="fail-renewal" targetId={s.subscriptionId} />
                  </>
                )}
                {s.status === "past_due" && <PortalActionButton action={portalAction} customerId={view.customerId} operation="update-card-and-pay" targetId={s.subscriptionId} />}
                <PortalActionButton
                  action={portalAction}
                  customerId={view.customerId}
                  operation={s.cancelAtPeriodEnd ? "resume" : "cancel-at-period-end"}
                  targetId={s.subscriptionId}
                  variant={s.cancelAtPeriodEnd ? "outline" : "destructive"}
                />
              </div>
            </td>
          </tr>
        ))}
      />

      <PortalTable
        title={t("portal.payments")}
        empty={t("portal.noPayments")}
        columns={[t("portal.columns.date"), t("portal.columns.amount"), t("portal.columns.status"), t("portal.columns.actions")]}
        rows={view.payments.map((p) => (
          <tr key={p.paymentId} className="align-top">
            <td className="py-3 pr-4">{format.dateTime(p.createdAt, { dateStyle: "medium", timeStyle: "short" })}</td>
            <td className="py-3 pr-4">
              <div>{money(p.amount, p.currency)}</div>
              {p.refunded > 0 && <div className="text-xs text-muted-foreground">{t("portal.refunded", { amount: money(p.refunded, p.currency) })}</div>}
            </td>
            <td className="py-3 pr-4">
              <Badge variant={p.status === "succeeded" ? "success" : "danger"}>{t(`portal.paymentStatus.${p.status}`)}</Badge>
            </td>
            <td className="py-3">
              {p.status === "succeeded" && p.refunded < p.amount && (
                <PortalActionButton action={portalAction} customerId={view.customerId} operation="refund" targetId={p.paymentId} />
              )}
            </td>
          </tr>
        ))}
      />
    </div>
  );
}
