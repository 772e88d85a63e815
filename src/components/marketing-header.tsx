import { getTranslations } from "next-intl/server";
import { SiteHeader } from "@/components/site-header";
import { Button } from "@/components/ui/button";
import { Link } from "@/i18n/navigation";

/** The marketing pages' header: pricing, sign in, start free. */
export async function MarketingHeader() {
  const t = await getTranslations("landing.nav");
  return (
    <SiteHeader>
      <Button asChild variant="ghost" size="sm">
        <Link href="/pricing">{t("pricing")}</Link>
      </Button>
      <Button asChild variant="ghost" size="sm">
        <Link href="/sign-in">{t("signIn")}</Link>
      </Button>
      <Button asChild size="sm">
        <Link href="/sign-up">{t("signUp")}</Link>
      </Button>
    </SiteHeader>
  );
}
