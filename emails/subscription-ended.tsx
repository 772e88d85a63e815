import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { emailTranslator } from "./translator";

export interface SubscriptionEndedProps {
  locale: Locale;
  tenantName: string;
  /** canceled: a cancellation reached the end of the paid period; expired: the provider ended it. */
  reason: "canceled" | "expired";
  url: string;
}

/** The subscription is over (billing.subscription-ended and billing.subscription-expired): the free plan applies. */
export default function SubscriptionEnded({ locale, tenantName, reason, url }: SubscriptionEndedProps) {
  const t = emailTranslator(locale);
  const args = { tenant: tenantName };
  return (
    <EmailLayout
      lang={locale}
      preview={t("subscriptionEnded.preview", args)}
      heading={t("subscriptionEnded.heading")}
      action={{ label: t("subscriptionEnded.action"), url }}
      footer={t("common.billingFooter")}
    >
      <Text>{t("subscriptionEnded.body", { ...args, reason })}</Text>
      <Text>{t("subscriptionEnded.comeBack")}</Text>
    </EmailLayout>
  );
}

SubscriptionEnded.PreviewProps = {
  locale: "en",
  tenantName: "Acme",
  reason: "canceled",
  url: "http://localhost:3000/settings/billing",
} satisfies SubscriptionEndedProps;
