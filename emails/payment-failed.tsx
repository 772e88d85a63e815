import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { formatDate, formatMoney } from "./components/format";
import { emailTranslator } from "./translator";

export interface PaymentFailedProps {
  locale: Locale;
  tenantName: string;
  /** The amount that failed, when the provider's event says (a payment event does, a status change does not). */
  amountMinor?: number | null;
  currency?: string | null;
  /** ISO date of the next automatic attempt, if the provider retries. */
  nextAttemptAt?: string | null;
  /** ISO: the workspace keeps its paid features until then, then the subscription is suspended. */
  graceEndsAt: string;
  /** The billing page, where the payment method is updated. */
  url: string;
}

export default function PaymentFailed({ locale, tenantName, amountMinor, currency, nextAttemptAt, graceEndsAt, url }: PaymentFailedProps) {
  const t = emailTranslator(locale);
  const tenant = { tenant: tenantName };
  return (
    <EmailLayout
      lang={locale}
      preview={t("paymentFailed.preview", tenant)}
      heading={t("paymentFailed.heading")}
      action={{ label: t("paymentFailed.action"), url }}
      footer={t("common.billingFooter")}
    >
      <Text>
        {typeof amountMinor === "number" && currency
          ? t("paymentFailed.body", { ...tenant, amount: formatMoney(locale, amountMinor, currency) })
          : t("paymentFailed.bodyWithoutAmount", tenant)}
      </Text>
      <Text>{t("paymentFailed.grace", { date: formatDate(locale, graceEndsAt) })}</Text>
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
  graceEndsAt: "2026-12-06T00:00:00.000Z",
  url: "http://localhost:3000/settings/billing",
} satisfies PaymentFailedProps;
