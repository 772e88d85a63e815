"use client";
import { useMutation } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { FieldError, FormAlert, describedBy, useFieldError, useServerErrors, useZodForm } from "@/components/form";
import { Alert } from "@/components/ui/alert";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { useRouter } from "@/i18n/navigation";
import { CANCELLATION_DETAILS_MAX, cancelSubscriptionInputSchema } from "@/server/domain/billing/inputs";
import { useTRPC } from "@/trpc/react";

const REASONS = ["too_expensive", "missing_feature", "just_testing", "other"] as const;

/** Asks why before canceling at the period end; the answer is stored (cancellation_feedback) with the cancel. */
export function CancelSubscriptionDialog({ periodEnd }: { periodEnd: Date | null }) {
  const t = useTranslations("billing.page.cancel");
  const format = useFormatter();
  const router = useRouter();
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const form = useZodForm(cancelSubscriptionInputSchema, { defaultValues: { reason: undefined, details: "" } });
  const serverErrors = useServerErrors(form);
  const cancel = useMutation(
    trpc.billing.cancel.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        router.refresh();
      },
      onError: serverErrors,
    }),
  );
  const reason = form.watch("reason");
  const reasonError = useFieldError(form, "reason");
  const detailsError = useFieldError(form, "details");

  return (
    <>
      <AlertDialog open={open} onOpenChange={(next) => !cancel.isPending && setOpen(next)}>
        <AlertDialogTrigger asChild>
          <Button variant="outline">{t("open")}</Button>
        </AlertDialogTrigger>
        <AlertDialogContent>
          <form className="grid gap-4" noValidate onSubmit={form.handleSubmit((input) => cancel.mutate(input))}>
            <AlertDialogTitle>{t("title")}</AlertDialogTitle>
            <AlertDialogDescription>
              {periodEnd ? t("description", { date: format.dateTime(periodEnd, { dateStyle: "medium" }) }) : t("descriptionNoDate")}
            </AlertDialogDescription>
            <fieldset className="grid gap-2" aria-describedby={reasonError ? "cancel-reason-error" : undefined}>
              <legend className="mb-1 text-sm font-medium">{t("reasonLabel")}</legend>
              {REASONS.map((r) => (
                <label key={r} className="flex items-center gap-2 text-sm">
                  <input type="radio" value={r} {...form.register("reason")} />
                  {t(`reasons.${r}`)}
                </label>
              ))}
              <FieldError id="cancel-reason" message={reasonError} />
            </fieldset>
            <div className="grid gap-2">
              <Label htmlFor="cancel-details">{reason === "other" ? t("detailsRequired") : t("details")}</Label>
              <textarea
                id="cancel-details"
                className="min-h-20 rounded-md border bg-background px-3 py-2 text-sm aria-invalid:border-destructive"
                maxLength={CANCELLATION_DETAILS_MAX}
                {...form.register("details")}
                {...describedBy("cancel-details", detailsError)}
              />
              <FieldError id="cancel-details" message={detailsError} />
            </div>
            <FormAlert form={form} />
            <AlertDialogFooter>
              <AlertDialogCancel disabled={cancel.isPending}>{t("keep")}</AlertDialogCancel>
              <Button type="submit" variant="destructive" disabled={cancel.isPending}>
                {cancel.isPending ? t("canceling") : t("confirm")}
              </Button>
            </AlertDialogFooter>
          </form>
        </AlertDialogContent>
      </AlertDialog>
      {cancel.isSuccess && <Alert variant="success">{t("requested")}</Alert>}
    </>
  );
}
