import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import type { PaymentEventStatus } from "@/generated/prisma/enums";

const variant: Record<PaymentEventStatus, "info" | "success" | "danger" | "neutral"> = {
  received: "info",
  processed: "success",
  failed: "danger",
  ignored: "neutral",
  waiting: "info",
};

/** A billing webhook event's status in words and colour (server or client: it only reads messages). */
export function BillingEventStatusBadge({ status }: { status: PaymentEventStatus }) {
  const t = useTranslations("platform.billingEvents.status");
  return (
    <Badge variant={variant[status]} data-status={status}>
      {t(status)}
    </Badge>
  );
}
