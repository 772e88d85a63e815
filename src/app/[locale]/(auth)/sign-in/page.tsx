import { getTranslations, setRequestLocale } from "next-intl/server";
import { SignInForm } from "@/components/auth/sign-in-form";
import { Alert } from "@/components/ui/alert";
import { playgroundEnabled } from "@/env";
import { Link } from "@/i18n/navigation";
import { safeCallbackPath } from "@/lib/callback-path";
import { DEMO_PASSWORD, personas } from "@/server/seed/personas";

export async function generateMetadata() {
  return { title: (await getTranslations("auth.signIn"))("title") };
}

export default async function SignInPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: Promise<{ error?: string; verified?: string; callbackURL?: string | string[] }>;
}) {
  setRequestLocale((await params).locale);
  const { error, callbackURL } = await searchParams;
  const t = await getTranslations("auth.signIn");
  const tp = await getTranslations("auth.personas");
  const te = await getTranslations("errors");
  const demo = playgroundEnabled
    ? { password: DEMO_PASSWORD, accounts: personas.map((p) => ({ key: p.key, email: p.email, label: tp(p.key) })) }
    : undefined;
  return (
    <>
      <div>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="mt-1 text-sm text-muted-foreground">{t("subtitle")}</p>
      </div>
      {error && <Alert variant="error">{te("INVALID_TOKEN")}</Alert>}
      <SignInForm demo={demo} callbackPath={safeCallbackPath(callbackURL) ?? undefined} />
      <p className="text-sm text-muted-foreground">
        {t("noAccount")}{" "}
        <Link href="/sign-up" className="font-medium text-foreground underline-offset-4 hover:underline">
          {t("signUpLink")}
        </Link>
      </p>
    </>
  );
}
