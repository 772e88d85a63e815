import { TRPCError } from "@trpc/server";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { BillingEventDetail } from "@/components/platform/billing-event-detail";
import { getPlatformGate } from "@/components/platform/platform-gate";
import { Link } from "@/i18n/navigation";
import { entityIdSchema } from "@/server/domain/validation";
import { getServerApi } from "@/trpc/server";

/** One billing webhook event: facts, the note, the full last error, the payload and Replay when it failed or was ignored. */
export default async function PlatformBillingEventPage({ params }: { params: Promise<{ locale: string; id: string }> }) {
  const { locale, id } = await params;
  setRequestLocale(locale);
  if ((await getPlatformGate()) !== "open") return null;
  const t = await getTranslations("platform.billingEvents.detail");
  const parsed = entityIdSchema.safeParse(id);
  const event = parsed.success
    ? await (await getServerApi()).admin.billingEvents.get({ id: parsed.data }).catch((error: unknown) => {
        if (error instanceof TRPCError && error.code === "NOT_FOUND") return null;
        throw error;
      })
    : null;
  if (!event) {
    return (
      <section className="rounded-lg border p-8 text-center">
        <h1 className="text-lg font-semibold">{t("notFound")}</h1>
        <Link href="/platform/billing-events" className="mt-4 inline-block text-sm underline-offset-4 hover:underline">
          {t("back")}
        </Link>
      </section>
    );
  }
  return <BillingEventDetail event={event} />;
}
