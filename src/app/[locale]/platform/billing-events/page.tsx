import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import { BillingEventReplay } from "@/components/platform/billing-event-replay";
import { BillingEventStatusBadge } from "@/components/platform/billing-event-status-badge";
import { getPlatformGate } from "@/components/platform/platform-gate";
import { TableSection } from "@/components/platform/table-section";
import { Link } from "@/i18n/navigation";
import { canReplay, listWebhookEventsInputSchema, WEBHOOK_EVENT_STATUSES } from "@/server/domain/billing/webhook-events-admin";
import { getServerApi } from "@/trpc/server";

const EVENTS_PER_PAGE = 25;

type Search = Record<"status" | "cursor", string | string[] | undefined>;

/** The billing webhook inbox for platform staff (issue 5): a status filter, the list, Replay on failed/ignored rows. */
export default async function PlatformBillingEventsPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: Promise<Partial<Search>>;
}) {
  setRequestLocale((await params).locale);
  // The layout shows the refusal or the two-factor setup instead; render nothing that would fail.
  if ((await getPlatformGate()) !== "open") return null;
  const search = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const shape = listWebhookEventsInputSchema.shape;
  // A value the list would refuse (unknown status, tampered cursor) is dropped, not an error page.
  const parsedStatus = shape.status.safeParse(one(search.status) || undefined);
  const status = parsedStatus.success ? parsedStatus.data : undefined;
  const parsedCursor = shape.cursor.safeParse(one(search.cursor));
  const cursor = parsedCursor.success ? (parsedCursor.data ?? undefined) : undefined;

  const page = await (await getServerApi()).admin.billingEvents.list({ status, cursor: cursor ?? null, limit: EVENTS_PER_PAGE });
  const t = await getTranslations("platform.billingEvents");
  const format = await getFormatter();
  const when = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeStyle: "short" });
  const query = status ? { status } : {};

  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="mt-1 text-sm text-muted-foreground">{t("subtitle")}</p>
      </div>
      <nav aria-label={t("filter.label")} className="flex flex-wrap gap-3 text-sm">
        {[undefined, ...WEBHOOK_EVENT_STATUSES].map((s) => (
          <Link
            key={s ?? "all"}
            href={{ pathname: "/platform/billing-events", query: s ? { status: s } : {} }}
            aria-current={s === status ? "page" : undefined}
            className={s === status ? "font-semibold underline underline-offset-4" : "underline-offset-4 hover:underline"}
          >
            {s ? t(`status.${s}`) : t("filter.all")}
          </Link>
        ))}
      </nav>
      <TableSection
        id="billing-events"
        title={t("table.title")}
        subtitle={t("table.subtitle")}
        caption={t("table.caption")}
        empty={status || cursor ? t("empty.filtered") : t("empty.all")}
        isEmpty={page.items.length === 0}
        columns={[
          { label: t("table.type") },
          { label: t("table.status") },
          { label: t("table.attempts"), align: "right" },
          { label: t("table.received") },
          { label: t("table.lastError") },
          { label: t("table.actions") },
        ]}
        rows={page.items.map((e) => (
          <tr key={e.id} className="border-t align-top" data-event-id={e.id}>
            <th scope="row" className="px-3 py-2 font-mono text-xs font-medium">
              <Link href={`/platform/billing-events/${e.id}`} className="underline-offset-4 hover:underline">
                {e.type}
              </Link>
            </th>
            <td className="px-3 py-2">
              <BillingEventStatusBadge status={e.status} />
            </td>
            <td className="px-3 py-2 text-right tabular-nums">{e.attempts}</td>
            <td className="px-3 py-2 whitespace-nowrap">{when(e.receivedAt)}</td>
            <td className="max-w-xs px-3 py-2">
              {e.lastError ? (
                <span className="line-clamp-2 break-words text-xs text-muted-foreground" title={e.lastError}>
                  {e.lastError}
                </span>
              ) : (
                <span className="text-muted-foreground">{t("table.none")}</span>
              )}
            </td>
            <td className="px-3 py-2">{canReplay(e.status) && <BillingEventReplay id={e.id} />}</td>
          </tr>
        ))}
        footer={
          <nav aria-label={t("paging.label")} className="flex gap-4 text-sm">
            {cursor && (
              <Link href={{ pathname: "/platform/billing-events", query }} className="underline-offset-4 hover:underline">
                {t("paging.first")}
              </Link>
            )}
            {page.nextCursor && (
              <Link
                href={{ pathname: "/platform/billing-events", query: { ...query, cursor: page.nextCursor } }}
                className="underline-offset-4 hover:underline"
              >
                {t("paging.next")}
              </Link>
            )}
          </nav>
        }
      />
    </div>
  );
}
