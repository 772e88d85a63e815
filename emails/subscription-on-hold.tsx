import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { emailTranslator } from "./translator";

export interface SubscriptionOnHoldProps {
  locale: Locale;
  tenantName: string;
  url: string;
}

/** The provider put the subscription on hold (a renewal failed, or it was paused). */
export default function SubscriptionOnHold({ locale, tenantName, url }: SubscriptionOnHoldProps) {
  const t = emailTranslator(locale);
  const args = { tenant: tenantName };
  return (
    <EmailLayout
      lang={locale}
      preview={t("subscriptionOnHold.preview")}
      heading={t("subscriptionOnHold.heading")}
      action={{ label: t("subscriptionOnHold.action"), url }}
      footer={t("common.billingFooter")}
    >
      <Text>{t("subscriptionOnHold.body", args)}</Text>
      <Text>{t("subscriptionOnHold.resume")}</Text>
    </EmailLayout>
  );
}

SubscriptionOnHold.PreviewProps = {
  locale: "en",
  tenantName: "Acme",
  url: "http://localhost:3000/settings/billing",
} satisfies SubscriptionOnHoldProps;
