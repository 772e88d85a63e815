import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { formatDate } from "./components/format";
import { emailTranslator } from "./translator";

export interface SubscriptionCanceledProps {
  locale: Locale;
  tenantName: string;
  /** Access ends at the end of the paid period. */
  accessEndsAt: string;
  url: string;
}

export default function SubscriptionCanceled({ locale, tenantName, accessEndsAt, url }: SubscriptionCanceledProps) {
  const t = emailTranslator(locale);
  const args = { tenant: tenantName, date: formatDate(locale, accessEndsAt) };
  return (
    <EmailLayout
      lang={locale}
      preview={t("subscriptionCanceled.preview", args)}
      heading={t("subscriptionCanceled.heading")}
      action={{ label: t("subscriptionCanceled.action"), url }}
      footer={t("common.billingFooter")}
    >
      <Text>{t("subscriptionCanceled.body", args)}</Text>
      <Text>{t("subscriptionCanceled.comeBack")}</Text>
    </EmailLayout>
  );
}

SubscriptionCanceled.PreviewProps = {
  locale: "en",
  tenantName: "Acme",
  accessEndsAt: "2026-12-31T00:00:00.000Z",
  url: "http://localhost:3000/settings/billing",
} satisfies SubscriptionCanceledProps;
