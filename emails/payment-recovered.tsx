import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { emailTranslator } from "./translator";

export interface PaymentRecoveredProps {
  locale: Locale;
  tenantName: string;
  url: string;
}

/** After a failed payment (past due, suspended or on hold), the subscription is paid and active again. */
export default function PaymentRecovered({ locale, tenantName, url }: PaymentRecoveredProps) {
  const t = emailTranslator(locale);
  const args = { tenant: tenantName };
  return (
    <EmailLayout
      lang={locale}
      preview={t("paymentRecovered.preview", args)}
      heading={t("paymentRecovered.heading")}
      action={{ label: t("paymentRecovered.action"), url }}
      footer={t("common.billingFooter")}
    >
      <Text>{t("paymentRecovered.body", args)}</Text>
    </EmailLayout>
  );
}

PaymentRecovered.PreviewProps = {
  locale: "en",
  tenantName: "Acme",
  url: "http://localhost:3000/settings/billing",
} satisfies PaymentRecoveredProps;
