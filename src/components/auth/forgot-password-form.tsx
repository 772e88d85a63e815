"use client";
import { useMutation } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { z } from "@/lib/zod";
import { FormAlert, TextField, useServerErrors, useZodForm } from "@/components/form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { localePath, type Locale } from "@/i18n/routing";
import { authClient, unwrap } from "@/lib/auth-client";

const forgotPasswordSchema = z.object({ email: z.email() });

export function ForgotPasswordForm() {
  const t = useTranslations("auth.forgot");
  const locale = useLocale() as Locale;
  const form = useZodForm(forgotPasswordSchema, { defaultValues: { email: "" } });
  const serverErrors = useServerErrors(form);
  const request = useMutation({
    mutationFn: ({ email }: z.output<typeof forgotPasswordSchema>) =>
      unwrap(authClient.requestPasswordReset({ email, redirectTo: localePath(locale, "/reset-password") })),
    onError: serverErrors,
  });
  return (
    <form className="flex flex-col gap-4" noValidate onSubmit={form.handleSubmit((input) => request.mutate(input))}>
      <TextField form={form} name="email" id="email" label={t("email")} type="email" autoComplete="email" required />
      {request.isSuccess && <Alert variant="success">{t("sent", { email: request.variables.email })}</Alert>}
      <FormAlert form={form} />
      <Button type="submit" disabled={request.isPending}>
        {request.isPending ? t("submitting") : t("submit")}
      </Button>
    </form>
  );
}
