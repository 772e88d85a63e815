"use client";
import { useMutation } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useErrorText } from "@/components/error-text";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { localePath, type Locale } from "@/i18n/routing";
import { authClient, unwrap } from "@/lib/auth-client";

export function ResendVerification({ email }: { email: string }) {
  const t = useTranslations("auth.verify");
  const errorText = useErrorText();
  const locale = useLocale() as Locale;
  const resend = useMutation({
    mutationFn: () => unwrap(authClient.sendVerificationEmail({ email, callbackURL: localePath(locale, "/projects") })),
  });
  return (
    <div className="flex flex-col gap-3">
      <Button variant="outline" onClick={() => resend.mutate()} disabled={resend.isPending}>
        {resend.isPending ? t("resending") : t("resend")}
      </Button>
      {resend.isSuccess && <Alert variant="success">{t("resent")}</Alert>}
      {resend.error && <Alert variant="error">{errorText(resend.error)}</Alert>}
    </div>
  );
}
