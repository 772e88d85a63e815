import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { emailTranslator } from "./translator";

export interface TrialExpiredProps {
  locale: Locale;
  tenantName: string;
  url: string;
}

/** The trial ended without a paid subscription: the workspace continues on the free Starter plan. */
export default function TrialExpired({ locale, tenantName, url }: TrialExpiredProps) {
  const t = emailTranslator(locale);
  const args = { tenant: tenantName };
  return (
    <EmailLayout
      lang={locale}
      preview={t("trialExpired.preview")}
      heading={t("trialExpired.heading")}
      action={{ label: t("trialExpired.action"), url }}
      footer={t("common.billingFooter")}
    >
      <Text>{t("trialExpired.body", args)}</Text>
      <Text>{t("trialExpired.upgrade")}</Text>
    </EmailLayout>
  );
}

TrialExpired.PreviewProps = {
  locale: "en",
  tenantName: "Acme",
  url: "http://localhost:3000/settings/billing",
} satisfies TrialExpiredProps;
