import { getFormatter, getTranslations } from "next-intl/server";
import { BillingEventReplay } from "@/components/platform/billing-event-replay";
import { BillingEventStatusBadge } from "@/components/platform/billing-event-status-badge";
import { DetailEmpty, DetailFacts, DetailHeader, DetailSection, ErrorBlock, JsonBlock } from "@/components/platform/detail-parts";
import type { AppRouter } from "@/server/api/root";
import { canReplay } from "@/server/domain/billing/webhook-events-admin";
import type { inferRouterOutputs } from "@trpc/server";

type BillingEvent = inferRouterOutputs<AppRouter>["admin"]["billingEvents"]["get"];

/** Everything about one billing webhook event: facts, the note, the full last error and the payload as JSON. */
export async function BillingEventDetail({ event }: { event: BillingEvent }) {
  const t = await getTranslations("platform.billingEvents");
  const format = await getFormatter();
  const when = (d: Date | null) => (d ? format.dateTime(d, { dateStyle: "medium", timeStyle: "medium" }) : t("table.none"));
  const facts: [string, string][] = [
    [t("detail.id"), event.id],
    [t("detail.provider"), event.provider],
    [t("detail.providerEventId"), event.providerEventId],
    [t("detail.tenantId"), event.tenantId ?? t("table.none")],
    [t("table.attempts"), format.number(event.attempts)],
    [t("table.received"), when(event.receivedAt)],
    [t("detail.processed"), when(event.processedAt)],
    [t("detail.replays"), format.number(event.replays)],
  ];

  return (
    <article aria-labelledby="billing-event-title" className="flex flex-col gap-6">
      <DetailHeader
        back={{ href: "/platform/billing-events", label: t("detail.back") }}
        titleId="billing-event-title"
        title={event.type}
        badge={<BillingEventStatusBadge status={event.status} />}
      >
        {canReplay(event.status) && <BillingEventReplay id={event.id} />}
      </DetailHeader>

      <DetailFacts label={t("detail.facts")} facts={facts} />

      <DetailSection id="billing-event-note" title={t("detail.note")}>
        {event.note ? (
          <p className="whitespace-pre-wrap break-words text-sm">{event.note}</p>
        ) : (
          <DetailEmpty>{t("detail.noNote")}</DetailEmpty>
        )}
      </DetailSection>

      <DetailSection id="billing-event-error" title={t("detail.lastError")}>
        <ErrorBlock error={event.lastError} none={t("detail.noError")} />
      </DetailSection>

      <DetailSection id="billing-event-payload" title={t("detail.payload")}>
        <JsonBlock value={event.payload} capped />
      </DetailSection>
    </article>
  );
}
