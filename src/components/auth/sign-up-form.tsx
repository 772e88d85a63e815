"use client";
import { useMutation } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { Controller } from "react-hook-form";
import { describedBy, FieldError, FormAlert, TextField, useFieldError, useServerErrors, useZodForm } from "@/components/form";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Label } from "@/components/ui/label";
import { useRouter } from "@/i18n/navigation";
import type { Locale } from "@/i18n/routing";
import { signUpInputSchema } from "@/server/domain/identity/inputs";
import { useTRPC } from "@/trpc/react";

export function SignUpForm() {
  const t = useTranslations("auth.signUp");
  const locale = useLocale() as Locale;
  const router = useRouter();
  const trpc = useTRPC();
  const form = useZodForm(signUpInputSchema, {
    defaultValues: { name: "", email: "", password: "", consents: { terms: undefined, marketingEmails: false }, locale },
  });
  const serverErrors = useServerErrors(form);
  const signUp = useMutation(
    trpc.me.signUp.mutationOptions({
      // The same "check your inbox" page for a new address and one that already has an account.
      onSuccess: ({ email }) => router.push({ pathname: "/verify-email", query: { email } }),
      // A refused email provider lands next to the email field, invalid input next to its field.
      onError: serverErrors,
    }),
  );
  const termsError = useFieldError(form, "consents.terms");

  return (
    <form className="flex flex-col gap-4" noValidate onSubmit={form.handleSubmit((input) => signUp.mutate({ ...input, locale }))}>
      <TextField form={form} name="name" id="name" label={t("name")} autoComplete="name" required maxLength={80} />
      <TextField form={form} name="email" id="email" label={t("email")} type="email" autoComplete="email" required maxLength={254} />
      <TextField
        form={form}
        name="password"
        id="password"
        label={t("password")}
        hint={t("passwordHint")}
        type="password"
        autoComplete="new-password"
        required
        maxLength={128}
      />
      <div className="grid gap-1">
        <div className="flex items-start gap-2">
          <Controller
            control={form.control}
            name="consents.terms"
            render={({ field }) => (
              <Checkbox
                id="terms"
                ref={field.ref}
                checked={field.value === true}
                onCheckedChange={(v) => field.onChange(v === true)}
                onBlur={field.onBlur}
                aria-required
                {...describedBy("terms", termsError)}
              />
            )}
          />
          <Label htmlFor="terms" className="font-normal leading-snug">
            {t("terms")}
          </Label>
        </div>
        <FieldError id="terms" message={termsError} />
      </div>
      <div className="flex items-start gap-2">
        <Controller
          control={form.control}
          name="consents.marketingEmails"
          render={({ field }) => (
            <Checkbox id="marketing" ref={field.ref} checked={field.value === true} onCheckedChange={(v) => field.onChange(v === true)} onBlur={field.onBlur} />
          )}
        />
        <Label htmlFor="marketing" className="font-normal leading-snug">
          {t("marketing")}
        </Label>
      </div>
      <FormAlert form={form} />
      <Button type="submit" disabled={signUp.isPending}>
        {signUp.isPending ? t("submitting") : t("submit")}
      </Button>
    </form>
  );
}
