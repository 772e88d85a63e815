"use client";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useErrorText } from "@/components/error-text";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useRouter } from "@/i18n/navigation";
import { useTRPC } from "@/trpc/react";

/** Replay for one failed or ignored webhook event; the server-rendered page refreshes afterwards. */
export function BillingEventReplay({ id }: { id: string }) {
  const t = useTranslations("platform.billingEvents.replay");
  const errorText = useErrorText();
  const trpc = useTRPC();
  const router = useRouter();
  const replay = useMutation(trpc.admin.billingEvents.replay.mutationOptions({ onSuccess: () => router.refresh() }));

  return (
    <div className="flex flex-col items-start gap-2">
      <Button size="sm" variant="outline" disabled={replay.isPending || replay.isSuccess} onClick={() => replay.mutate({ id })}>
        {replay.isPending ? t("working") : t("button")}
      </Button>
      {replay.isSuccess && <Alert variant="success">{t("done")}</Alert>}
      {/* A CONFLICT says which status the event moved on to (processed meanwhile, another admin replayed it). */}
      {replay.error && <Alert variant="error">{errorText(replay.error)}</Alert>}
    </div>
  );
}
