import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { formatDate, formatMoney } from "./components/format";
import { emailTranslator } from "./translator";

export interface PaymentReceiptProps {
  locale: Locale;
  tenantName: string;
  amountMinor: number;
  currency: string;
  paidAt: string;
  /** The provider's payment or invoice id. */
  reference: string;
  url: string;
}

export default function PaymentReceipt({ locale, tenantName, amountMinor, currency, paidAt, reference, url }: PaymentReceiptProps) {
  const t = emailTranslator(locale);
  const args = { tenant: tenantName, amount: formatMoney(locale, amountMinor, currency), date: formatDate(locale, paidAt) };
  return (
    <EmailLayout
      lang={locale}
      preview={t("paymentReceipt.preview", args)}
      heading={t("paymentReceipt.heading")}
      action={{ label: t("paymentReceipt.action"), url }}
      footer={t("paymentReceipt.footer")}
    >
      <Text>{t("paymentReceipt.body", args)}</Text>
      <Text>{t("paymentReceipt.reference", { reference })}</Text>
    </EmailLayout>
  );
}

PaymentReceipt.PreviewProps = {
  locale: "en",
  tenantName: "Acme",
  amountMinor: 4900,
  currency: "EUR",
  paidAt: "2026-11-26T00:00:00.000Z",
  reference: "pay_0123456789",
  url: "http://localhost:3000/settings/billing",
} satisfies PaymentReceiptProps;
