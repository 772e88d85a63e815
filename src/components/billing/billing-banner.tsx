import { getFormatter, getTranslations } from "next-intl/server";
import { OpenPortalButton } from "@/components/billing/open-portal-button";
import { Link } from "@/i18n/navigation";

interface Props {
  billingState: string;
  graceEndsAt: Date | null;
  /** Whether the viewer may manage billing (billing:manage): only they get the portal button. */
  canManage: boolean;
  now?: Date;
}

/**
 * The dunning notice in the app shell: while a payment has failed and the grace period runs, and after
 * it (suspended / on hold). Owners and admins get the portal button; everyone else is told who can fix it.
 */
export async function BillingBanner({ billingState, graceEndsAt, canManage, now = new Date() }: Props) {
  if (billingState !== "past_due") return null;
  const t = await getTranslations("billing.banner");
  const format = await getFormatter();
  const inGrace = graceEndsAt !== null && graceEndsAt.getTime() > now.getTime();
  const kind = inGrace ? "pastDue" : "suspended";
  return (
    <div role="alert" className="border-b border-amber-300 bg-amber-50 text-amber-950 dark:bg-amber-950 dark:text-amber-50">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-6 py-3 text-sm">
        <div>
          <p className="font-semibold">{t(`${kind}.title`)}</p>
          <p>
            {inGrace ? t("pastDue.body", { date: format.dateTime(graceEndsAt, { dateStyle: "medium" }) }) : t("suspended.body")}{" "}
            {!canManage && t("askOwner")}
          </p>
        </div>
        {canManage ? (
          <div className="flex items-center gap-3">
            <OpenPortalButton label={t("updateCard")} size="sm" />
            <Link href="/settings/billing" className="underline underline-offset-4">
              {t("details")}
            </Link>
          </div>
        ) : null}
      </div>
    </div>
  );
}
