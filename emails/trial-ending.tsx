import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { formatDate } from "./components/format";
import { emailTranslator } from "./translator";

export interface TrialEndingProps {
  locale: Locale;
  tenantName: string;
  trialEndsAt: string;
  daysLeft: number;
  url: string;
}

export default function TrialEnding({ locale, tenantName, trialEndsAt, daysLeft, url }: TrialEndingProps) {
  const t = emailTranslator(locale);
  const args = { tenant: tenantName, days: daysLeft, date: formatDate(locale, trialEndsAt) };
  return (
    <EmailLayout
      lang={locale}
      preview={t("trialEnding.preview")}
      heading={t("trialEnding.heading", args)}
      action={{ label: t("trialEnding.action"), url }}
      footer={t("common.billingFooter")}
    >
      <Text>{t("trialEnding.body", args)}</Text>
    </EmailLayout>
  );
}

TrialEnding.PreviewProps = {
  locale: "en",
  tenantName: "Acme",
  trialEndsAt: "2026-11-29T00:00:00.000Z",
  daysLeft: 3,
  url: "http://localhost:3000/settings/billing",
} satisfies TrialEndingProps;
