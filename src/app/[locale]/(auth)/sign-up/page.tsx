import { getTranslations, setRequestLocale } from "next-intl/server";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { Link } from "@/i18n/navigation";

export async function generateMetadata() {
  return { title: (await getTranslations("auth.signUp"))("title") };
}

export default async function SignUpPage({ params }: { params: Promise<{ locale: string }> }) {
  setRequestLocale((await params).locale);
  const t = await getTranslations("auth.signUp");
  return (
    <>
      <div>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="mt-1 text-sm text-muted-foreground">{t("subtitle")}</p>
      </div>
      <SignUpForm />
      <p className="text-sm text-muted-foreground">
        {t("haveAccount")}{" "}
        <Link href="/sign-in" className="font-medium text-foreground underline-offset-4 hover:underline">
          {t("signInLink")}
        </Link>
      </p>
    </>
  );
}
