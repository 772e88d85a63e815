"use client";
import { useMutation } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useErrorText } from "@/components/error-text";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { localePath, type Locale } from "@/i18n/routing";
import { authClient, unwrap } from "@/lib/auth-client";

export function ForgotPasswordForm() {
  const t = useTranslations("auth.forgot");
  const errorText = useErrorText();
  const locale = useLocale() as Locale;
  const [email, setEmail] = useState("");
  const request = useMutation({
    mutationFn: () => unwrap(authClient.requestPasswordReset({ email, redirectTo: localePath(locale, "/reset-password") })),
  });
  return (
    <form
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        request.mutate();
      }}
    >
      <div className="grid gap-2">
        <Label htmlFor="email">{t("email")}</Label>
        <Input id="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </div>
      {request.isSuccess && <Alert variant="success">{t("sent", { email })}</Alert>}
      {request.error && <Alert variant="error">{errorText(request.error)}</Alert>}
      <Button type="submit" disabled={request.isPending}>
        {request.isPending ? t("submitting") : t("submit")}
      </Button>
    </form>
  );
}
