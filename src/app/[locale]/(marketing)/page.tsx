import { getTranslations, setRequestLocale } from "next-intl/server";
import { MarketingHeader } from "@/components/marketing-header";
import { Button } from "@/components/ui/button";
import { Link } from "@/i18n/navigation";

const features = ["tenancy", "billing", "local"] as const;

export default async function LandingPage({ params }: { params: Promise<{ locale: string }> }) {
  setRequestLocale((await params).locale);
  const t = await getTranslations("landing");
  return (
    <>
      <MarketingHeader />
      <main className="mx-auto max-w-5xl px-6">
        <section className="py-20 text-center sm:py-28">
          <h1 className="mx-auto max-w-3xl text-4xl font-semibold tracking-tight sm:text-5xl">{t("hero.title")}</h1>
          <p className="mx-auto mt-6 max-w-2xl text-lg text-muted-foreground">{t("hero.subtitle")}</p>
          <div className="mt-10 flex justify-center gap-3">
            <Button asChild size="lg">
              <Link href="/sign-up">{t("hero.primary")}</Link>
            </Button>
            <Button asChild size="lg" variant="outline">
              <Link href="/sign-in">{t("hero.secondary")}</Link>
            </Button>
          </div>
        </section>
        <section aria-labelledby="features" className="pb-24">
          <h2 id="features" className="mb-8 text-center text-2xl font-semibold">
            {t("features.title")}
          </h2>
          <ul className="grid gap-6 sm:grid-cols-3">
            {features.map((key) => (
              <li key={key} className="rounded-lg border p-6">
                <h3 className="font-medium">{t(`features.${key}.title`)}</h3>
                <p className="mt-2 text-sm text-muted-foreground">{t(`features.${key}.body`)}</p>
              </li>
            ))}
          </ul>
        </section>
      </main>
      <footer className="border-t py-8 text-center text-sm text-muted-foreground">{t("footer")}</footer>
    </>
  );
}
