"use client";
import { useMutation } from "@tanstack/react-query";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useErrorText } from "@/components/error-text";
import { formatMoney } from "@/components/billing/money";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { isLocale } from "@/i18n/routing";
import type { BillingOverview } from "@/server/domain/billing/overview";
import { useTRPC } from "@/trpc/react";

/** Credit packs: each opens the hosted checkout; the credits arrive with the provider's payment webhook. */
export function CreditTopUp({ packs }: { packs: BillingOverview["creditPacks"] }) {
  const t = useTranslations("billing.page.credits");
  const errorText = useErrorText();
  const format = useFormatter();
  const raw = useLocale();
  const trpc = useTRPC();
  const [pending, setPending] = useState<string | null>(null);
  const topup = useMutation(trpc.billing.topup.mutationOptions({ onSuccess: ({ url }) => window.location.assign(url) }));
  const busy = topup.isPending || topup.isSuccess;
  return (
    <div className="flex flex-col gap-3">
      <ul className="grid gap-3 sm:grid-cols-3">
        {packs.map((pack) => (
          <li key={pack.packId} className="flex flex-col gap-2 rounded-md border p-3" aria-label={pack.name}>
            <span className="font-medium">{t("packCredits", { count: pack.credits })}</span>
            <span className="text-sm text-muted-foreground">{formatMoney(format, pack.price)}</span>
            <Button
              size="sm"
              variant="outline"
              disabled={busy || !pack.available}
              onClick={() => {
                setPending(pack.packId);
                topup.mutate({ packId: pack.packId, quantity: 1, locale: isLocale(raw) ? raw : undefined });
              }}
            >
              {busy && pending === pack.packId ? t("working") : t("buy", { count: pack.credits })}
            </Button>
          </li>
        ))}
      </ul>
      {topup.error && <Alert variant="error">{errorText(topup.error)}</Alert>}
    </div>
  );
}
