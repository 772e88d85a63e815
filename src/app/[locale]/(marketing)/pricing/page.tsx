import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import { MarketingHeader } from "@/components/marketing-header";
import { formatMoney } from "@/components/billing/money";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Link } from "@/i18n/navigation";
import { BILLING_INTERVALS, creditPacks, LIMIT_KEYS, PLAN_ORDER, plans, usageAddOn, type BillingInterval } from "@/server/domain/plans/plans";

// Reads the plan catalogue directly: prices, limits and packs shown here are the ones billing enforces.
export default async function PricingPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: Promise<{ interval?: string }>;
}) {
  setRequestLocale((await params).locale);
  const requested = (await searchParams).interval;
  const interval: BillingInterval = requested === "yearly" ? "yearly" : "monthly";
  const t = await getTranslations("billing.pricing");
  const tPlans = await getTranslations("billing.plans");
  const format = await getFormatter();
  const money = (price: { amount: number; currency: string }) => formatMoney(format, price);

  return (
    <>
      <MarketingHeader />
      <main className="mx-auto max-w-5xl px-6 py-16">
        <h1 className="text-center text-4xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="mx-auto mt-4 max-w-2xl text-center text-muted-foreground">{t("subtitle")}</p>
        <nav aria-label={t("intervalLabel")} className="mt-8 flex justify-center gap-2">
          {BILLING_INTERVALS.map((i) => (
            <Button key={i} asChild size="sm" variant={i === interval ? "default" : "outline"}>
              <Link href={{ pathname: "/pricing", query: i === "monthly" ? {} : { interval: i } }} aria-current={i === interval ? "page" : undefined}>
                {t(`interval.${i}`)}
              </Link>
            </Button>
          ))}
        </nav>
        <ul className="mt-10 grid gap-6 md:grid-cols-3">
          {PLAN_ORDER.map((id) => {
            const plan = plans[id];
            const price = plan.prices?.[interval];
            return (
              <li key={id} className="flex flex-col rounded-lg border p-6" aria-label={plan.name}>
                <div className="flex items-center justify-between">
                  <h2 className="text-lg font-semibold">{plan.name}</h2>
                  {id === "pro" && <Badge variant="info">{t("popular")}</Badge>}
                </div>
                <p className="mt-1 text-sm text-muted-foreground">{tPlans(`${id}.description`)}</p>
                <p className="mt-4 text-3xl font-semibold">
                  {price ? money(price) : t("free")}
                  {price && <span className="text-sm font-normal text-muted-foreground"> {t(`per.${interval}`)}</span>}
                </p>
                {plan.trialDays > 0 && <p className="text-sm text-muted-foreground">{t("trial", { days: plan.trialDays })}</p>}
                {price && interval === "yearly" && <p className="text-sm text-muted-foreground">{t("yearlySaving")}</p>}
                <ul className="mt-6 flex-1 space-y-2 text-sm">
                  {LIMIT_KEYS.map((key) => (
                    <li key={key}>{t(`limits.${key}`, { count: plan.limits[key] })}</li>
                  ))}
                  {plan.meteredUsage && (
                    <li>{t("metered", { price: money(usageAddOn.unitPrice), units: usageAddOn.unitsPerPrice })}</li>
                  )}
                </ul>
                <Button asChild className="mt-6" variant={id === "pro" ? "default" : "outline"}>
                  <Link href={price ? { pathname: "/settings/billing", query: { plan: id, interval } } : "/sign-up"}>
                    {price ? t("choose", { plan: plan.name }) : t("startFree")}
                  </Link>
                </Button>
              </li>
            );
          })}
        </ul>
        <section aria-labelledby="credit-packs" className="mt-16">
          <h2 id="credit-packs" className="text-2xl font-semibold">{t("creditPacks.title")}</h2>
          <p className="mt-2 text-sm text-muted-foreground">{t("creditPacks.body", { days: creditPacks["credits-1k"].expiresAfterDays })}</p>
          <ul className="mt-6 grid gap-4 sm:grid-cols-3">
            {Object.entries(creditPacks).map(([packId, pack]) => (
              <li key={packId} className="rounded-lg border p-4">
                <p className="font-medium">{t("creditPacks.credits", { count: pack.credits })}</p>
                <p className="text-sm text-muted-foreground">{money(pack.price)}</p>
              </li>
            ))}
          </ul>
        </section>
      </main>
    </>
  );
}
