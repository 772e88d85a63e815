"use client";
import type { TRPCClientErrorLike } from "@trpc/client";
import { useTranslations } from "next-intl";
import { useErrorText } from "@/components/error-text";
import { Alert } from "@/components/ui/alert";
import type { AppRouter } from "@/server/api/root";
import type { LimitDetails } from "@/server/domain/errors";
import { isUsageMetric, USAGE_METRICS, type UsageMetric } from "@/server/domain/usage/metrics";
import { LimitNextStep } from "./limit-next-step";

type UsageLimit = LimitDetails & { metric: UsageMetric };

const isUsageLimit = (limit: LimitDetails | null | undefined): limit is UsageLimit => !!limit && isUsageMetric(limit.metric);

/**
 * A metered action at a limit, in the user's language from the server's numbers (LIMIT_REACHED's
 * data.limit, or a counted action's warning): what the plan allows and what was used, then for a
 * refusal the way on (upgrade, credits, or make room), for a warning what the overrun costs.
 */
function LimitNotice(props: { limit: UsageLimit } & ({ blocked: true; canManageBilling: boolean } | { blocked: false })) {
  const { limit, blocked } = props;
  const t = useTranslations("usage");
  const { kind, creditsCoverOverage } = USAGE_METRICS[limit.metric];
  const credits = { needed: limit.creditsNeeded, available: limit.creditsAvailable };
  const parts = [t(`limit.${kind}`, { allowed: t(`units.${limit.metric}`, { count: limit.limit }), used: limit.used })];
  if (!blocked) parts.push(limit.creditsNeeded > 0 ? t("limit.warning.credits", credits) : t("limit.warning.soft"));
  else if (!limit.upgradeTo) parts.push(limit.creditsNeeded > 0 ? t("limit.blocked.credits", credits) : t(`limit.blocked.${kind}`));
  return (
    <Alert variant={blocked ? "error" : "info"} className="flex flex-col gap-2">
      <p>{parts.join(" ")}</p>
      {props.blocked && <LimitNextStep upgradeTo={limit.upgradeTo} creditsCoverOverage={creditsCoverOverage} canManageBilling={props.canManageBilling} />}
    </Alert>
  );
}

/** A failed action: the limit block for LIMIT_REACHED, the error in words otherwise. */
export function ActionErrorAlert({ error, canManageBilling }: { error: TRPCClientErrorLike<AppRouter>; canManageBilling: boolean }) {
  const errorText = useErrorText();
  const limit = error.data?.limit;
  return isUsageLimit(limit) ? <LimitNotice limit={limit} blocked canManageBilling={canManageBilling} /> : <Alert variant="error">{errorText(error)}</Alert>;
}

/** Non-blocking notices for an action that went past a limit and was counted anyway (soft limit, or paid with credits). */
export function UsageWarnings({ warnings }: { warnings: readonly { limit: LimitDetails }[] }) {
  return warnings
    .map((w) => w.limit)
    .filter(isUsageLimit)
    .map((limit) => <LimitNotice key={limit.metric} limit={limit} blocked={false} />);
}
