"use client";
import { useMutation } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useErrorText } from "@/components/error-text";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useRouter } from "@/i18n/navigation";
import type { Locale } from "@/i18n/routing";
import { useTRPC } from "@/trpc/react";

export function SignUpForm() {
  const t = useTranslations("auth.signUp");
  const errorText = useErrorText();
  const locale = useLocale() as Locale;
  const router = useRouter();
  const trpc = useTRPC();
  const [terms, setTerms] = useState(false);
  const [marketing, setMarketing] = useState(false);
  const signUp = useMutation(
    trpc.me.signUp.mutationOptions({
      // The same "check your inbox" page for a new address and one that already has an account.
      onSuccess: ({ email }) => router.push({ pathname: "/verify-email", query: { email } }),
    }),
  );
  // A refused email provider is about the email field: said next to it, not in the form's alert.
  const emailRefused = signUp.error?.data?.appCode === "EMAIL_DOMAIN_NOT_ALLOWED";

  return (
    <form
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        signUp.mutate({
          name: String(form.get("name")),
          email: String(form.get("email")),
          password: String(form.get("password")),
          consents: { terms: terms as true, marketingEmails: marketing },
          locale,
        });
      }}
    >
      <div className="grid gap-2">
        <Label htmlFor="name">{t("name")}</Label>
        <Input id="name" name="name" autoComplete="name" required maxLength={80} />
      </div>
      <div className="grid gap-2">
        <Label htmlFor="email">{t("email")}</Label>
        <Input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          maxLength={254}
          aria-invalid={emailRefused || undefined}
          aria-describedby={emailRefused ? "email-error" : undefined}
          onChange={() => emailRefused && signUp.reset()}
        />
        {emailRefused && (
          <p id="email-error" role="alert" className="text-xs text-destructive">
            {errorText(signUp.error)}
          </p>
        )}
      </div>
      <div className="grid gap-2">
        <Label htmlFor="password">{t("password")}</Label>
        <Input id="password" name="password" type="password" autoComplete="new-password" required minLength={8} maxLength={128} aria-describedby="password-hint" />
        <p id="password-hint" className="text-xs text-muted-foreground">
          {t("passwordHint")}
        </p>
      </div>
      <div className="flex items-start gap-2">
        <Checkbox id="terms" checked={terms} onCheckedChange={(v) => setTerms(v === true)} required aria-required />
        <Label htmlFor="terms" className="font-normal leading-snug">
          {t("terms")}
        </Label>
      </div>
      <div className="flex items-start gap-2">
        <Checkbox id="marketing" checked={marketing} onCheckedChange={(v) => setMarketing(v === true)} />
        <Label htmlFor="marketing" className="font-normal leading-snug">
          {t("marketing")}
        </Label>
      </div>
      {signUp.error && !emailRefused && <Alert variant="error">{errorText(signUp.error)}</Alert>}
      <Button type="submit" disabled={signUp.isPending || !terms}>
        {signUp.isPending ? t("submitting") : t("submit")}
      </Button>
    </form>
  );
}
