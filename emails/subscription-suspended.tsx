import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { emailTranslator } from "./translator";

export interface SubscriptionSuspendedProps {
  locale: Locale;
  tenantName: string;
  url: string;
}

/** The grace period after a failed payment ran out: the workspace is on the free plan's limits. */
export default function SubscriptionSuspended({ locale, tenantName, url }: SubscriptionSuspendedProps) {
  const t = emailTranslator(locale);
  const args = { tenant: tenantName };
  return (
    <EmailLayout
      lang={locale}
      preview={t("subscriptionSuspended.preview", args)}
      heading={t("subscriptionSuspended.heading")}
      action={{ label: t("subscriptionSuspended.action"), url }}
      footer={t("common.billingFooter")}
    >
      <Text>{t("subscriptionSuspended.body", args)}</Text>
      <Text>{t("subscriptionSuspended.restore")}</Text>
    </EmailLayout>
  );
}

SubscriptionSuspended.PreviewProps = {
  locale: "en",
  tenantName: "Acme",
  url: "http://localhost:3000/settings/billing",
} satisfies SubscriptionSuspendedProps;
