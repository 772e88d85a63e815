import { getTranslations, setRequestLocale } from "next-intl/server";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { Alert } from "@/components/ui/alert";
import { Link } from "@/i18n/navigation";

export default async function ResetPasswordPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: Promise<{ token?: string; error?: string }>;
}) {
  setRequestLocale((await params).locale);
  const { token, error } = await searchParams;
  const t = await getTranslations("auth.reset");
  const te = await getTranslations("errors");
  const tf = await getTranslations("auth.forgot");
  return (
    <>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      {error || !token ? (
        <>
          <Alert variant="error">{error ? te("INVALID_TOKEN") : t("missingToken")}</Alert>
          <Link href="/forgot-password" className="text-sm underline-offset-4 hover:underline">
            {tf("title")}
          </Link>
        </>
      ) : (
        <ResetPasswordForm token={token} />
      )}
    </>
  );
}
