import { getFormatter, getTranslations } from "next-intl/server";
import { Badge } from "@/components/ui/badge";
import type { BillingState } from "@/generated/prisma/enums";

const variants = { trial: "info", active: "success", past_due: "warning", canceled: "danger" } as const satisfies Record<BillingState, string>;

export async function BillingStateBadge({ state, trialEndsAt }: { state: BillingState; trialEndsAt: Date | null }) {
  const t = await getTranslations("app");
  const format = await getFormatter();
  return (
    <Badge variant={variants[state]} title={state === "trial" && trialEndsAt ? t("trialEnds", { date: format.dateTime(trialEndsAt, { dateStyle: "medium" }) }) : undefined}>
      {t(`billingState.${state}`)}
    </Badge>
  );
}
