"use client";
import { useMutation } from "@tanstack/react-query";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";
import { useErrorText } from "@/components/error-text";
import { formatMoney } from "@/components/billing/money";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useRouter } from "@/i18n/navigation";
import { isLocale } from "@/i18n/routing";
import type { BillingOverview } from "@/server/domain/billing/overview";
import type { BillingInterval } from "@/server/domain/plans/plans";
import { useTRPC } from "@/trpc/react";

interface Props {
  plans: BillingOverview["plans"];
  hasLiveSubscription: boolean;
  canManage: boolean;
  initialInterval: BillingInterval;
  /** The plan the visitor picked on the pricing page (?plan=), outlined. */
  highlight?: string;
}

/**
 * Paid plans per interval. Without a live subscription a choice opens the hosted checkout; with one it
 * changes the plan at the provider (the new plan shows once the provider's webhook arrives).
 */
export function PlanChooser({ plans, hasLiveSubscription, canManage, initialInterval, highlight }: Props) {
  const t = useTranslations("billing.page.plans");
  const errorText = useErrorText();
  const format = useFormatter();
  const raw = useLocale();
  const locale = isLocale(raw) ? raw : undefined;
  const router = useRouter();
  const trpc = useTRPC();
  const [interval, setInterval] = useState<BillingInterval>(initialInterval);
  const [pending, setPending] = useState<string | null>(null);
  const checkout = useMutation(trpc.billing.checkout.mutationOptions({ onSuccess: ({ url }) => window.location.assign(url) }));
  const toasts = useTranslations("toasts");
  const changePlan = useMutation(
    trpc.billing.changePlan.mutationOptions({
      onSuccess: () => {
        toast.success(toasts("planChangeRequested"));
        router.refresh();
      },
    }),
  );
  const error = checkout.error ?? changePlan.error;
  const busy = checkout.isPending || checkout.isSuccess || changePlan.isPending;

  return (
    <div className="flex flex-col gap-4">
      <div role="group" aria-label={t("interval")} className="flex gap-2">
        {(["monthly", "yearly"] as const).map((i) => (
          <Button key={i} size="sm" variant={i === interval ? "default" : "outline"} aria-pressed={i === interval} onClick={() => setInterval(i)}>
            {t(`intervals.${i}`)}
          </Button>
        ))}
      </div>
      <ul className="grid gap-4 sm:grid-cols-2">
        {plans
          .filter((p) => p.interval === interval)
          .map((p) => {
            const key = `${p.planId}:${p.interval}`;
            return (
              <li
                key={key}
                className={p.planId === highlight && p.change !== "current" ? "flex flex-col gap-2 rounded-md border-2 border-primary p-4" : "flex flex-col gap-2 rounded-md border p-4"}
                aria-label={p.name}
              >
                <div className="flex items-center justify-between">
                  <span className="font-medium">{p.name}</span>
                  {p.change === "current" && <Badge variant="info">{t("current")}</Badge>}
                </div>
                <span className="text-sm text-muted-foreground">
                  {t(`price.${p.interval}`, { price: formatMoney(format, p.price) })}
                </span>
                {canManage && p.change !== "current" && (
                  <Button
                    size="sm"
                    variant={p.change === "upgrade" ? "default" : "outline"}
                    disabled={busy || !p.available}
                    title={p.available ? undefined : t("notConfigured")}
                    onClick={() => {
                      setPending(key);
                      if (hasLiveSubscription) changePlan.mutate({ planId: p.planId, interval: p.interval });
                      else checkout.mutate({ planId: p.planId, interval: p.interval, locale });
                    }}
                  >
                    {busy && pending === key
                      ? t("working")
                      : t(hasLiveSubscription ? p.change : "subscribe", { plan: p.name })}
                  </Button>
                )}
              </li>
            );
          })}
      </ul>
      {error && <Alert variant="error">{errorText(error)}</Alert>}
    </div>
  );
}
