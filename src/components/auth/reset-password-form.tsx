"use client";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { z } from "@/lib/zod";
import { FormAlert, TextField, useServerErrors, useZodForm } from "@/components/form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Link } from "@/i18n/navigation";
import { authClient, unwrap } from "@/lib/auth-client";
import { passwordSchema } from "@/server/domain/identity/inputs";

const resetPasswordSchema = z.object({ password: passwordSchema });

export function ResetPasswordForm({ token }: { token: string }) {
  const t = useTranslations("auth.reset");
  const tSignIn = useTranslations("auth.signIn");
  const form = useZodForm(resetPasswordSchema, { defaultValues: { password: "" } });
  const serverErrors = useServerErrors(form);
  const reset = useMutation({
    mutationFn: ({ password }: z.output<typeof resetPasswordSchema>) => unwrap(authClient.resetPassword({ newPassword: password, token })),
    onError: serverErrors,
  });
  if (reset.isSuccess) {
    return (
      <div className="flex flex-col gap-4">
        <Alert variant="success">{t("done")}</Alert>
        <Button asChild>
          <Link href="/sign-in">{tSignIn("submit")}</Link>
        </Button>
      </div>
    );
  }
  return (
    <form className="flex flex-col gap-4" noValidate onSubmit={form.handleSubmit((input) => reset.mutate(input))}>
      <TextField form={form} name="password" id="password" label={t("password")} type="password" autoComplete="new-password" required maxLength={128} />
      <FormAlert form={form} />
      <Button type="submit" disabled={reset.isPending}>
        {reset.isPending ? t("submitting") : t("submit")}
      </Button>
    </form>
  );
}
