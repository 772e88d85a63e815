import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { formatDate } from "./components/format";
import { emailTranslator } from "./translator";

export interface CancelWithdrawnProps {
  locale: Locale;
  tenantName: string;
  /** ISO: the next renewal (the end of the current period), when known. */
  renewsAt: string | null;
  url: string;
}

/** A cancellation at period end was taken back before the period ended. */
export default function CancelWithdrawn({ locale, tenantName, renewsAt, url }: CancelWithdrawnProps) {
  const t = emailTranslator(locale);
  return (
    <EmailLayout
      lang={locale}
      preview={t("cancelWithdrawn.preview")}
      heading={t("cancelWithdrawn.heading")}
      action={{ label: t("cancelWithdrawn.action"), url }}
      footer={t("common.billingFooter")}
    >
      <Text>{t("cancelWithdrawn.body", { tenant: tenantName })}</Text>
      {renewsAt && <Text>{t("cancelWithdrawn.renews", { date: formatDate(locale, renewsAt) })}</Text>}
    </EmailLayout>
  );
}

CancelWithdrawn.PreviewProps = {
  locale: "en",
  tenantName: "Acme",
  renewsAt: "2026-12-31T00:00:00.000Z",
  url: "http://localhost:3000/settings/billing",
} satisfies CancelWithdrawnProps;
