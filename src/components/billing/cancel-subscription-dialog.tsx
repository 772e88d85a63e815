"use client";
import { useMutation } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { useErrorText } from "@/components/error-text";
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
import { useTRPC } from "@/trpc/react";

const REASONS = ["too_expensive", "missing_feature", "just_testing", "other"] as const;
type Reason = (typeof REASONS)[number];

/** Asks why before canceling at the period end; the answer is stored (cancellation_feedback) with the cancel. */
export function CancelSubscriptionDialog({ periodEnd }: { periodEnd: Date | null }) {
  const t = useTranslations("billing.page.cancel");
  const errorText = useErrorText();
  const format = useFormatter();
  const router = useRouter();
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<Reason | null>(null);
  const [details, setDetails] = useState("");
  const cancel = useMutation(
    trpc.billing.cancel.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        router.refresh();
      },
    }),
  );
  const needsDetails = reason === "other" && details.trim() === "";

  return (
    <>
      <AlertDialog open={open} onOpenChange={(next) => !cancel.isPending && setOpen(next)}>
        <AlertDialogTrigger asChild>
          <Button variant="outline">{t("open")}</Button>
        </AlertDialogTrigger>
        <AlertDialogContent>
          <form
            className="grid gap-4"
            onSubmit={(e) => {
              e.preventDefault();
              if (reason && !needsDetails) cancel.mutate({ reason, details: details.trim() || undefined });
            }}
          >
            <AlertDialogTitle>{t("title")}</AlertDialogTitle>
            <AlertDialogDescription>
              {periodEnd ? t("description", { date: format.dateTime(periodEnd, { dateStyle: "medium" }) }) : t("descriptionNoDate")}
            </AlertDialogDescription>
            <fieldset className="grid gap-2">
              <legend className="mb-1 text-sm font-medium">{t("reasonLabel")}</legend>
              {REASONS.map((r) => (
                <label key={r} className="flex items-center gap-2 text-sm">
                  <input type="radio" name="reason" value={r} checked={reason === r} onChange={() => setReason(r)} />
                  {t(`reasons.${r}`)}
                </label>
              ))}
            </fieldset>
            <div className="grid gap-2">
              <Label htmlFor="cancel-details">{reason === "other" ? t("detailsRequired") : t("details")}</Label>
              <textarea
                id="cancel-details"
                className="min-h-20 rounded-md border bg-background px-3 py-2 text-sm"
                maxLength={1000}
                value={details}
                onChange={(e) => setDetails(e.target.value)}
              />
            </div>
            {cancel.error && <Alert variant="error">{errorText(cancel.error)}</Alert>}
            <AlertDialogFooter>
              <AlertDialogCancel disabled={cancel.isPending}>{t("keep")}</AlertDialogCancel>
              <Button type="submit" variant="destructive" disabled={!reason || needsDetails || cancel.isPending}>
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
