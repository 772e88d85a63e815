"use client";
import { useMutation } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { z } from "@/lib/zod";
import { FormAlert, TextField, useServerErrors, useZodForm } from "@/components/form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Link, useRouter } from "@/i18n/navigation";
import { localePath, type Locale } from "@/i18n/routing";
import { authClient, unwrap } from "@/lib/auth-client";

export interface DemoAccount {
  key: string;
  email: string;
  label: string;
}

// Better Auth checks the password itself; here only that something was typed.
const signInSchema = z.object({ email: z.email(), password: z.string().min(1) });

/** `callbackPath`: where to land after signing in (a checked app path without locale, see safeCallbackPath); default /projects. */
export function SignInForm({ demo, callbackPath = "/projects" }: { demo?: { accounts: DemoAccount[]; password: string }; callbackPath?: string }) {
  const t = useTranslations("auth.signIn");
  const td = useTranslations("auth.demo");
  const locale = useLocale() as Locale;
  const router = useRouter();
  const form = useZodForm(signInSchema, { defaultValues: { email: "", password: "" } });
  const serverErrors = useServerErrors(form);

  const signIn = useMutation({
    mutationFn: (input: z.output<typeof signInSchema>) => unwrap(authClient.signIn.email(input)),
    onSuccess: (data) => {
      // Two-factor on: Better Auth set no session yet, only a short-lived cookie for the TOTP step.
      if ((data as { twoFactorRedirect?: boolean } | null)?.twoFactorRedirect) {
        router.push("/two-factor");
        return;
      }
      router.push(callbackPath);
      router.refresh();
    },
    onError: serverErrors,
  });
  const magicLink = useMutation({
    mutationFn: (email: string) => unwrap(authClient.signIn.magicLink({ email, callbackURL: localePath(locale, callbackPath) })),
    onError: serverErrors,
  });
  const busy = signIn.isPending || magicLink.isPending;

  return (
    <div className="flex flex-col gap-6">
      <form
        className="flex flex-col gap-4"
        noValidate
        onSubmit={form.handleSubmit((input) => {
          magicLink.reset();
          signIn.mutate(input);
        })}
      >
        <TextField form={form} name="email" id="email" label={t("email")} type="email" autoComplete="email" required />
        <TextField
          form={form}
          name="password"
          id="password"
          label={t("password")}
          labelAside={
            <Link href="/forgot-password" className="text-xs text-muted-foreground underline-offset-4 hover:underline">
              {t("forgot")}
            </Link>
          }
          type="password"
          autoComplete="current-password"
          required
        />
        <FormAlert form={form} />
        <Button type="submit" disabled={busy}>
          {signIn.isPending ? t("submitting") : t("submit")}
        </Button>
        <Button
          type="button"
          variant="outline"
          disabled={busy}
          onClick={async () => {
            // Only the address is needed for a link: check that field alone.
            form.clearErrors();
            signIn.reset();
            if (await form.trigger("email")) magicLink.mutate(form.getValues("email"));
          }}
        >
          {magicLink.isPending ? t("magicLinkSending") : t("magicLink")}
        </Button>
        {magicLink.isSuccess && <Alert variant="success">{t("magicLinkSent", { email: magicLink.variables })}</Alert>}
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
                    form.clearErrors();
                    form.setValue("email", account.email);
                    form.setValue("password", demo.password);
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
