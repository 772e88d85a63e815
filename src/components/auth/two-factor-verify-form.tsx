"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { z } from "@/lib/zod";
import { isTwoFactorSignInOver, useTwoFactorErrorText } from "@/components/auth/two-factor-error-text";
import { TotpCodeField, totpCodeSchema } from "@/components/auth/totp-code-field";
import { useZodForm } from "@/components/form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Link, useRouter } from "@/i18n/navigation";
import { authClient, unwrap } from "@/lib/auth-client";
import { useTRPC } from "@/trpc/react";

const verifySchema = z.object({ code: totpCodeSchema });

/**
 * The second step of a password sign-in for a user with two-factor on: Better Auth answered the
 * password with `twoFactorRedirect` and a short-lived two-factor cookie; the TOTP code turns that into
 * a session. Staff then go to /platform, everyone else to /projects.
 */
export function TwoFactorVerifyForm() {
  const t = useTranslations("twoFactor.verify");
  const errorText = useTwoFactorErrorText();
  const router = useRouter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useZodForm(verifySchema, { defaultValues: { code: "" } });

  // Better Auth's refusals (wrong code, expired step) have their own words: shown above the button.
  const verify = useMutation({
    mutationFn: async ({ code }: z.output<typeof verifySchema>) => {
      await unwrap(authClient.twoFactor.verifyTotp({ code }));
      return queryClient.fetchQuery({ ...trpc.platform.status.queryOptions(), staleTime: 0 });
    },
    onSuccess: (status) => {
      router.push(status.staff ? "/platform" : "/projects");
      router.refresh();
    },
  });
  const over = isTwoFactorSignInOver(verify.error as never);

  return (
    <form className="flex flex-col gap-4" noValidate onSubmit={form.handleSubmit((input) => verify.mutate(input))}>
      <TotpCodeField form={form} name="code" id="totp-code" label={t("code")} autoFocus />
      {verify.error && <Alert variant="error">{errorText(verify.error as never)}</Alert>}
      {over ? (
        <Button asChild>
          <Link href="/sign-in">{t("backToSignIn")}</Link>
        </Button>
      ) : (
        <Button type="submit" disabled={verify.isPending}>
          {verify.isPending ? t("submitting") : t("submit")}
        </Button>
      )}
      {!over && (
        <Link href="/sign-in" className="text-sm text-muted-foreground underline-offset-4 hover:underline">
          {t("backToSignIn")}
        </Link>
      )}
    </form>
  );
}
