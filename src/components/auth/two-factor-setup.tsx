"use client";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { z } from "@/lib/zod";
import { useTwoFactorErrorText } from "@/components/auth/two-factor-error-text";
import { TotpCodeField, totpCodeSchema } from "@/components/auth/totp-code-field";
import { TextField, useZodForm } from "@/components/form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useRouter } from "@/i18n/navigation";
import { authClient, unwrap } from "@/lib/auth-client";

const passwordStepSchema = z.object({ password: z.string().min(1) });
const codeStepSchema = z.object({ code: totpCodeSchema });

/** The base32 secret inside an otpauth:// URI (what authenticator apps ask for when typed in). */
function secretOf(totpURI: string): string {
  try {
    return new URL(totpURI).searchParams.get("secret") ?? "";
  } catch {
    return "";
  }
}

/**
 * Turns on TOTP for the signed-in user with Better Auth's twoFactor plugin: the password creates an
 * unverified secret (shown as text: the otpauth URI and the base32 secret, plus backup codes), and the
 * first correct code switches two-factor on (Better Auth then replaces the session) and the page reloads.
 */
export function TwoFactorSetup() {
  const t = useTranslations("twoFactor.setup");
  const errorText = useTwoFactorErrorText();
  const router = useRouter();
  const passwordForm = useZodForm(passwordStepSchema, { defaultValues: { password: "" } });
  const codeForm = useZodForm(codeStepSchema, { defaultValues: { code: "" } });

  // Better Auth's refusals (wrong password, wrong code) have their own words: shown above each button.
  const enable = useMutation({
    mutationFn: ({ password }: z.output<typeof passwordStepSchema>) => unwrap(authClient.twoFactor.enable({ password })),
    onSuccess: () => passwordForm.reset(),
  });
  const verify = useMutation({
    mutationFn: ({ code }: z.output<typeof codeStepSchema>) => unwrap(authClient.twoFactor.verifyTotp({ code })),
    onSuccess: () => router.refresh(),
  });

  if (verify.isSuccess) return <Alert variant="success">{t("done")}</Alert>;

  const totpURI = enable.data && "totpURI" in enable.data ? (enable.data.totpURI ?? "") : "";
  const backupCodes = enable.data && "backupCodes" in enable.data ? (enable.data.backupCodes ?? []) : [];

  if (!totpURI) {
    return (
      <form className="flex flex-col gap-4" aria-label={t("title")} noValidate onSubmit={passwordForm.handleSubmit((input) => enable.mutate(input))}>
        <p className="text-sm text-muted-foreground">{t("intro")}</p>
        <TextField form={passwordForm} name="password" id="two-factor-password" label={t("password")} type="password" autoComplete="current-password" required />
        {enable.error && <Alert variant="error">{errorText(enable.error as never)}</Alert>}
        <Button type="submit" disabled={enable.isPending}>
          {enable.isPending ? t("starting") : t("start")}
        </Button>
      </form>
    );
  }

  return (
    <div className="flex flex-col gap-6">
      <section aria-labelledby="two-factor-add" className="flex flex-col gap-3">
        <h2 id="two-factor-add" className="text-base font-semibold">
          {t("addTitle")}
        </h2>
        <p className="text-sm text-muted-foreground">{t("addHint")}</p>
        <dl className="grid gap-2 text-sm">
          <dt className="font-medium">{t("secret")}</dt>
          <dd>
            <code data-testid="totp-secret" className="break-all rounded bg-muted px-2 py-1 font-mono">
              {secretOf(totpURI)}
            </code>
          </dd>
          <dt className="font-medium">{t("uri")}</dt>
          <dd>
            <code data-testid="totp-uri" className="block break-all rounded bg-muted px-2 py-1 font-mono text-xs">
              {totpURI}
            </code>
          </dd>
        </dl>
      </section>
      {backupCodes.length > 0 && (
        <section aria-labelledby="two-factor-backup" className="flex flex-col gap-2">
          <h2 id="two-factor-backup" className="text-base font-semibold">
            {t("backupCodesTitle")}
          </h2>
          <p className="text-sm text-muted-foreground">{t("backupCodesHint")}</p>
          <ul className="grid grid-cols-2 gap-1 font-mono text-sm sm:grid-cols-5">
            {backupCodes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </section>
      )}
      <form className="flex flex-col gap-4" noValidate onSubmit={codeForm.handleSubmit((input) => verify.mutate(input))}>
        <TotpCodeField form={codeForm} name="code" id="two-factor-code" label={t("code")} />
        {verify.error && <Alert variant="error">{errorText(verify.error as never)}</Alert>}
        <Button type="submit" disabled={verify.isPending}>
          {verify.isPending ? t("verifying") : t("verify")}
        </Button>
      </form>
    </div>
  );
}
