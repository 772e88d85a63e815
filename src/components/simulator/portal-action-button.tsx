"use client";
import { useTranslations } from "next-intl";
import { useActionState } from "react";
import type { PortalActionResult } from "@/server/providers/payments/simulator/errors";
import type { PortalOperation } from "@/server/providers/payments/simulator/portal";
import { BusyButton } from "./busy-button";

/** One portal operation on one subscription or payment; the page re-renders with the new state. */
export function PortalActionButton({
  customerId,
  operation,
  targetId,
  variant = "outline",
  action,
}: {
  customerId: string;
  operation: PortalOperation;
  targetId: string;
  variant?: "outline" | "destructive";
  /** The page's server action (passed in: components do not import from src/app). */
  action: (customerId: string, operation: PortalOperation, targetId: string) => Promise<PortalActionResult>;
}) {
  const t = useTranslations("simulator");
  const [state, run, pending] = useActionState<PortalActionResult | null>(() => action(customerId, operation, targetId), null);
  return (
    <form action={run} className="flex flex-col items-start gap-1">
      <BusyButton type="submit" size="sm" variant={variant} busy={pending}>
        {t(`portal.actions.${operation}`)}
      </BusyButton>
      {state && !state.ok && (
        <p role="alert" className="text-xs text-destructive">
          {t(`errors.${state.error}`)}
        </p>
      )}
    </form>
  );
}
