import { getTranslations, setRequestLocale } from "next-intl/server";
import { TwoFactorVerifyForm } from "@/components/auth/two-factor-verify-form";

export async function generateMetadata() {
  return { title: (await getTranslations("twoFactor.verify"))("title") };
}

/** Shown after the password when the account has two-factor on (the sign-in form sends users here). */
export default async function TwoFactorPage({ params }: { params: Promise<{ locale: string }> }) {
  setRequestLocale((await params).locale);
  const t = await getTranslations("twoFactor.verify");
  return (
    <>
      <div>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="mt-1 text-sm text-muted-foreground">{t("subtitle")}</p>
      </div>
      <TwoFactorVerifyForm />
    </>
  );
}
