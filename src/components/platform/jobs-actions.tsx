"use client";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useErrorText } from "@/components/error-text";
import { Alert } from "@/components/ui/alert";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { useRouter } from "@/i18n/navigation";
import { useTRPC } from "@/trpc/react";

/**
 * Retry and Cancel for one job, each shown only when the server says the status allows it (the
 * procedures refuse the rest with CONFLICT anyway). After a change the server-rendered page refreshes.
 */
export function JobActions({ id, canRetry, canCancel }: { id: string; canRetry: boolean; canCancel: boolean }) {
  const t = useTranslations("platform.jobs.actions");
  const errorText = useErrorText();
  const trpc = useTRPC();
  const router = useRouter();
  const [done, setDone] = useState<"retried" | "canceled" | null>(null);
  const onSuccess = (what: "retried" | "canceled") => () => {
    setDone(what);
    router.refresh();
  };
  const retry = useMutation(trpc.admin.jobs.retry.mutationOptions({ onSuccess: onSuccess("retried") }));
  const cancel = useMutation(trpc.admin.jobs.cancel.mutationOptions({ onSuccess: onSuccess("canceled") }));
  const pending = retry.isPending || cancel.isPending;
  const error = retry.error ?? cancel.error;

  return (
    <div className="flex flex-col items-start gap-2">
      {(canRetry || canCancel) && (
        <div className="flex gap-2">
          {canRetry && (
            <Button size="sm" variant="outline" disabled={pending} onClick={() => retry.mutate({ id })}>
              {retry.isPending ? t("working") : t("retry")}
            </Button>
          )}
          {canCancel && (
            <AlertDialog>
              <AlertDialogTrigger asChild>
                <Button size="sm" variant="outline" disabled={pending}>
                  {cancel.isPending ? t("working") : t("cancel")}
                </Button>
              </AlertDialogTrigger>
              <AlertDialogContent>
                <AlertDialogTitle>{t("cancelTitle")}</AlertDialogTitle>
                <AlertDialogDescription>{t("cancelBody")}</AlertDialogDescription>
                <AlertDialogFooter>
                  <AlertDialogCancel>{t("keep")}</AlertDialogCancel>
                  <AlertDialogAction onClick={() => cancel.mutate({ id })}>{t("cancelConfirm")}</AlertDialogAction>
                </AlertDialogFooter>
              </AlertDialogContent>
            </AlertDialog>
          )}
        </div>
      )}
      {done && !error && <Alert variant="success">{t(done)}</Alert>}
      {/* A CONFLICT says which status the job moved on to (the runner took it, another admin acted). */}
      {error && <Alert variant="error">{errorText(error)}</Alert>}
    </div>
  );
}
