"use client";
import { useMutation } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useErrorText } from "@/components/error-text";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Link, useRouter } from "@/i18n/navigation";
import { localePath, type Locale } from "@/i18n/routing";
import { authClient, unwrap } from "@/lib/auth-client";

export interface DemoAccount {
  key: string;
  email: string;
  label: string;
}

/** `callbackPath`: where to land after signing in (a checked app path without locale, see safeCallbackPath); default /projects. */
export function SignInForm({ demo, callbackPath = "/projects" }: { demo?: { accounts: DemoAccount[]; password: string }; callbackPath?: string }) {
  const t = useTranslations("auth.signIn");
  const td = useTranslations("auth.demo");
  const errorText = useErrorText();
  const locale = useLocale() as Locale;
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");

  const signIn = useMutation({
    mutationFn: () => unwrap(authClient.signIn.email({ email, password })),
    onSuccess: (data) => {
      // Two-factor on: Better Auth set no session yet, only a short-lived cookie for the TOTP step.
      if ((data as { twoFactorRedirect?: boolean } | null)?.twoFactorRedirect) {
        router.push("/two-factor");
        return;
      }
      router.push(callbackPath);
      router.refresh();
    },
  });
  const magicLink = useMutation({
    mutationFn: () => unwrap(authClient.signIn.magicLink({ email, callbackURL: localePath(locale, callbackPath) })),
  });
  const busy = signIn.isPending || magicLink.isPending;

  return (
    <div className="flex flex-col gap-6">
      <form
        className="flex flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          magicLink.reset();
          signIn.mutate();
        }}
      >
        <div className="grid gap-2">
          <Label htmlFor="email">{t("email")}</Label>
          <Input id="email" name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="grid gap-2">
          <div className="flex items-center justify-between">
            <Label htmlFor="password">{t("password")}</Label>
            <Link href="/forgot-password" className="text-xs text-muted-foreground underline-offset-4 hover:underline">
              {t("forgot")}
            </Link>
          </div>
          <Input id="password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        {signIn.error && <Alert variant="error">{errorText(signIn.error)}</Alert>}
        <Button type="submit" disabled={busy}>
          {signIn.isPending ? t("submitting") : t("submit")}
        </Button>
        <Button
          type="button"
          variant="outline"
          disabled={busy || !email}
          onClick={() => {
            signIn.reset();
            magicLink.mutate();
          }}
        >
          {magicLink.isPending ? t("magicLinkSending") : t("magicLink")}
        </Button>
        {magicLink.isSuccess && <Alert variant="success">{t("magicLinkSent", { email })}</Alert>}
        {magicLink.error && <Alert variant="error">{errorText(magicLink.error)}</Alert>}
      </form>

      {demo && demo.accounts.length > 0 && (
        <section aria-labelledby="demo-accounts" className="rounded-lg border border-dashed p-4">
          <h2 id="demo-accounts" className="text-sm font-semibold">
            {td("title")}
          </h2>
          <p className="mt-1 text-xs text-muted-foreground">{td("subtitle", { password: demo.password })}</p>
          <ul className="mt-3 flex flex-col gap-2">
            {demo.accounts.map((account) => (
              <li key={account.key} className="flex items-center justify-between gap-2 text-sm">
                <span>
                  <span className="font-medium">{account.label}</span>
                  <span className="block text-xs text-muted-foreground">{account.email}</span>
                </span>
                <Button
                  type="button"
                  size="sm"
                  variant="secondary"
                  aria-label={`${td("use")}: ${account.email}`}
                  onClick={() => {
                    setEmail(account.email);
                    setPassword(demo.password);
                  }}
                >
                  {td("use")}
                </Button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
