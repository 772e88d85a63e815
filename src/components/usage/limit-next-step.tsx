import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { Link } from "@/i18n/navigation";
import { plans, type PlanId } from "@/server/domain/plans/plans";

/**
 * The way past a limit: "Upgrade to <plan>" (upgrade strategy) or "Buy AI credits" (credits cover the
 * excess) for those who manage billing, who to ask for everyone else; nothing when there is no way.
 * Shared by the usage page (server) and the limit notices of actions (client).
 */
export function LimitNextStep({ upgradeTo, creditsCoverOverage, canManageBilling }: { upgradeTo: PlanId | null; creditsCoverOverage: boolean; canManageBilling: boolean }) {
  const t = useTranslations("usage.nextStep");
  if (!upgradeTo && !creditsCoverOverage) return null;
  if (!canManageBilling) return <p>{upgradeTo ? t("askUpgrade") : t("askCredits")}</p>;
  return (
    <Button asChild size="sm" variant="outline" className="self-start">
      {upgradeTo ? (
        <Link href={`/settings/billing?plan=${upgradeTo}`}>{t("upgrade", { plan: plans[upgradeTo].name })}</Link>
      ) : (
        <Link href="/settings/billing">{t("buyCredits")}</Link>
      )}
    </Button>
  );
}
