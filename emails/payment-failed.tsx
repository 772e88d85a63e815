import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { formatDate, formatMoney } from "./components/format";
import { emailTranslator } from "./translator";

export interface PaymentFailedProps {
  locale: Locale;
  tenantName: string;
  amountMinor: number;
  currency: string;
  /** ISO date of the next automatic attempt, if the provider retries. */
  nextAttemptAt?: string | null;
  url: string;
}

export default function PaymentFailed({ locale, tenantName, amountMinor, currency, nextAttemptAt, url }: PaymentFailedProps) {
  const t = emailTranslator(locale);
  const args = { tenant: tenantName, amount: formatMoney(locale, amountMinor, currency) };
  return (
    <EmailLayout
      lang={locale}
      preview={t("paymentFailed.preview", args)}
      heading={t("paymentFailed.heading")}
      action={{ label: t("paymentFailed.action"), url }}
      footer={t("paymentFailed.footer")}
    >
      <Text>{t("paymentFailed.body", args)}</Text>
      {nextAttemptAt && <Text>{t("paymentFailed.retry", { date: formatDate(locale, nextAttemptAt) })}</Text>}
    </EmailLayout>
  );
}

PaymentFailed.PreviewProps = {
  locale: "en",
  tenantName: "Acme",
  amountMinor: 4900,
  currency: "EUR",
  nextAttemptAt: "2026-12-03T00:00:00.000Z",
  url: "http://localhost:3000/settings/billing",
} satisfies PaymentFailedProps;
