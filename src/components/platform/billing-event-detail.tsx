import { getFormatter, getTranslations } from "next-intl/server";
import { BillingEventReplay } from "@/components/platform/billing-event-replay";
import { Badge } from "@/components/ui/badge";
import type { PaymentEventStatus } from "@/generated/prisma/enums";
import { Link } from "@/i18n/navigation";
import type { AppRouter } from "@/server/api/root";
import { canReplay } from "@/server/domain/billing/webhook-events-admin";
import type { inferRouterOutputs } from "@trpc/server";

type BillingEvent = inferRouterOutputs<AppRouter>["admin"]["billingEvents"]["get"];

const variant: Record<PaymentEventStatus, "info" | "success" | "danger" | "neutral"> = {
  received: "info",
  processed: "success",
  failed: "danger",
  ignored: "neutral",
};

const json = (value: unknown) => JSON.stringify(value, null, 2);

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
      <div className="flex flex-col gap-2">
        <Link href="/platform/billing-events" className="text-sm text-muted-foreground underline-offset-4 hover:underline">
          ← {t("detail.back")}
        </Link>
        <div className="flex flex-wrap items-center gap-3">
          <h1 id="billing-event-title" className="font-mono text-2xl font-semibold">
            {event.type}
          </h1>
          <Badge variant={variant[event.status]} data-status={event.status}>
            {t(`status.${event.status}`)}
          </Badge>
        </div>
        {canReplay(event.status) && <BillingEventReplay id={event.id} />}
      </div>

      <dl aria-label={t("detail.facts")} className="grid grid-cols-1 gap-x-6 gap-y-2 rounded-lg border p-4 text-sm sm:grid-cols-[max-content_1fr]">
        {facts.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-muted-foreground">{label}</dt>
            <dd className="break-all font-mono text-xs sm:text-sm">{value}</dd>
          </div>
        ))}
      </dl>

      <section aria-labelledby="billing-event-note" className="flex flex-col gap-2">
        <h2 id="billing-event-note" className="text-lg font-semibold">
          {t("detail.note")}
        </h2>
        {event.note ? (
          <p className="whitespace-pre-wrap break-words text-sm">{event.note}</p>
        ) : (
          <p className="text-sm text-muted-foreground">{t("detail.noNote")}</p>
        )}
      </section>

      <section aria-labelledby="billing-event-error" className="flex flex-col gap-2">
        <h2 id="billing-event-error" className="text-lg font-semibold">
          {t("detail.lastError")}
        </h2>
        {event.lastError ? (
          <pre className="overflow-x-auto whitespace-pre-wrap break-words rounded-lg border border-red-300 bg-red-50 p-3 text-xs text-red-900 dark:bg-red-950 dark:text-red-100">
            {event.lastError}
          </pre>
        ) : (
          <p className="text-sm text-muted-foreground">{t("detail.noError")}</p>
        )}
      </section>

      <section aria-labelledby="billing-event-payload" className="flex flex-col gap-2">
        <h2 id="billing-event-payload" className="text-lg font-semibold">
          {t("detail.payload")}
        </h2>
        <pre tabIndex={0} className="max-h-[32rem] overflow-auto rounded-lg border bg-muted/40 p-3 text-xs">
          {json(event.payload)}
        </pre>
      </section>
    </article>
  );
}
