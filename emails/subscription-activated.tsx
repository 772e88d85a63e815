import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { emailTranslator } from "./translator";

export interface SubscriptionActivatedProps {
  locale: Locale;
  tenantName: string;
  /** The plan's display name; null when the product is not one of the catalogue's plans. */
  planName: string | null;
  url: string;
}

export default function SubscriptionActivated({ locale, tenantName, planName, url }: SubscriptionActivatedProps) {
  const t = emailTranslator(locale);
  return (
    <EmailLayout
      lang={locale}
      preview={t("subscriptionActivated.preview")}
      heading={t("subscriptionActivated.heading")}
      action={{ label: t("subscriptionActivated.action"), url }}
      footer={t("common.billingFooter")}
    >
      <Text>{t("subscriptionActivated.body", { tenant: tenantName })}</Text>
      {planName && <Text>{t("subscriptionActivated.plan", { plan: planName })}</Text>}
    </EmailLayout>
  );
}

SubscriptionActivated.PreviewProps = {
  locale: "en",
  tenantName: "Acme",
  planName: "Pro",
  url: "http://localhost:3000/settings/billing",
} satisfies SubscriptionActivatedProps;
