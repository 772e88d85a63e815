"use client";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useErrorText } from "@/components/error-text";
import { Button, type ButtonProps } from "@/components/ui/button";
import { useTRPC } from "@/trpc/react";

/** Opens the payment provider's customer portal (cards, invoices) for the active workspace. */
export function OpenPortalButton({ label, variant, size }: { label: string; variant?: ButtonProps["variant"]; size?: ButtonProps["size"] }) {
  const t = useTranslations("billing");
  const errorText = useErrorText();
  const trpc = useTRPC();
  const portal = useMutation(trpc.billing.portal.mutationOptions({ onSuccess: ({ url }) => window.location.assign(url) }));
  return (
    <span className="inline-flex flex-col gap-1">
      <Button variant={variant} size={size} onClick={() => portal.mutate()} disabled={portal.isPending || portal.isSuccess}>
        {portal.isPending || portal.isSuccess ? t("openingPortal") : label}
      </Button>
      {portal.error && (
        <span role="alert" className="text-xs text-destructive">
          {errorText(portal.error)}
        </span>
      )}
    </span>
  );
}
