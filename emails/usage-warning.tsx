import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { formatNumber } from "./components/format";
import { emailTranslator } from "./translator";

export interface UsageWarningProps {
  locale: Locale;
  tenantName: string;
  /** What is metered, already in the recipient's language ("API calls"). */
  metric: string;
  used: number;
  limit: number;
  /** 80: approaching the limit; 100: reached. */
  percent: 80 | 100;
  url: string;
}

export default function UsageWarning({ locale, tenantName, metric, used, limit, percent, url }: UsageWarningProps) {
  const t = emailTranslator(locale);
  const args = { tenant: tenantName, metric, percent: String(percent), used: formatNumber(locale, used), limit: formatNumber(locale, limit) };
  return (
    <EmailLayout
      lang={locale}
      preview={t("usageWarning.preview", args)}
      heading={t("usageWarning.heading", args)}
      action={{ label: t("usageWarning.action"), url }}
      footer={t("usageWarning.footer", args)}
    >
      <Text>{t("usageWarning.body", args)}</Text>
      <Text>{percent >= 100 ? t("usageWarning.atLimit") : t("usageWarning.nearLimit")}</Text>
    </EmailLayout>
  );
}

UsageWarning.PreviewProps = {
  locale: "en",
  tenantName: "Acme",
  metric: "API calls",
  used: 8000,
  limit: 10000,
  percent: 80,
  url: "http://localhost:3000/settings/billing",
} satisfies UsageWarningProps;
