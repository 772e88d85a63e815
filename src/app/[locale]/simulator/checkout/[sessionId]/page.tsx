import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { formatMoney } from "@/components/billing/money";
import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import { CheckoutForm } from "@/components/simulator/checkout-form";
import { completeCheckoutAction } from "../../actions";
import { productLabel } from "@/components/simulator/product-label";
import { Alert } from "@/components/ui/alert";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { prisma } from "@/server/db/client";
import { canOpenSimulatorCheckout, signedInUserId } from "@/server/domain/billing/simulator-access";
import { getCheckoutView } from "@/server/providers/payments/simulator/checkout";
import { paymentSimulatorEnabled } from "@/server/providers/payments";

export const dynamic = "force-dynamic";

export default async function SimulatorCheckoutPage({ params }: { params: Promise<{ locale: string; sessionId: string }> }) {
  if (!paymentSimulatorEnabled) notFound();
  const { locale, sessionId } = await params;
  setRequestLocale(locale);
  // Only for whoever may manage the billing of the tenant that opened it (see access.ts); others: 404.
  if (!(await canOpenSimulatorCheckout(prisma, { userId: await signedInUserId(await headers()), sessionId }))) notFound();
  const view = await getCheckoutView(prisma, sessionId);
  if (!view) notFound();
  const t = await getTranslations("simulator");
  const format = await getFormatter();
  const money = (amount: number) => formatMoney(format, { amount, currency: view.product.currency });
  const unitPrice = money(view.product.unitAmount);
  // A trial charges nothing today (see completeCheckout).
  const dueToday = view.trialPeriodDays ? 0 : view.total;

  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-semibold">{t("checkout.title")}</h1>
      <div className="grid gap-6 md:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>{t("checkout.summary")}</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[1fr_auto] gap-x-4 gap-y-2 text-sm">
              <dt className="col-span-2 text-base font-medium">{productLabel(t, view.product)}</dt>
              <dt className="text-muted-foreground">{t("checkout.unitPrice")}</dt>
              <dd className="text-right">{unitPrice}</dd>
              <dt className="text-muted-foreground">{t("checkout.quantity")}</dt>
              <dd className="text-right">{format.number(view.quantity)}</dd>
              {view.trialPeriodDays ? (
                <dd className="col-span-2 text-muted-foreground">{t("checkout.trial", { days: view.trialPeriodDays, price: money(view.total) })}</dd>
              ) : null}
              <dt className="border-t pt-2 font-medium">{t("checkout.total")}</dt>
              <dd className="border-t pt-2 text-right text-lg font-semibold">{money(dueToday)}</dd>
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>{t("checkout.payment")}</CardTitle>
          </CardHeader>
          <CardContent>
            {view.state === "open" ? (
              <CheckoutForm sessionId={view.sessionId} email={view.email} complete={completeCheckoutAction} />
            ) : (
              <Alert variant="error">{t(view.state === "completed" ? "checkout.completed" : "checkout.expired")}</Alert>
            )}
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
