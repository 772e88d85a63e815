import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import type { OverrunStrategy } from "@/server/domain/plans/plans";
import type { UsageMetric } from "@/server/domain/usage/metrics";
import { EmailLayout } from "./components/email-layout";
import { formatNumber } from "./components/format";
import { emailTranslator } from "./translator";

export interface UsageWarningProps {
  locale: Locale;
  tenantName: string;
  /** What is metered; named in the recipient's language here. */
  metric: UsageMetric;
  used: number;
  limit: number;
  /** 80: approaching the limit; 100: reached. */
  percent: 80 | 100;
  /** What happens beyond the limit (the plan's overrun strategy for this metric). */
  strategy: OverrunStrategy;
  url: string;
}

export default function UsageWarning({ locale, tenantName, metric, used, limit, percent, strategy, url }: UsageWarningProps) {
  const t = emailTranslator(locale);
  const args = {
    tenant: tenantName,
    metric: t(`usageWarning.metrics.${metric}`),
    percent: String(percent),
    used: formatNumber(locale, used),
    limit: formatNumber(locale, limit),
  };
  return (
    <EmailLayout
      lang={locale}
      preview={t("usageWarning.preview", args)}
      heading={t("usageWarning.heading", args)}
      action={{ label: t("usageWarning.action"), url }}
      footer={t("usageWarning.footer", args)}
    >
      <Text>{t("usageWarning.body", args)}</Text>
      <Text>{percent >= 100 ? t(`usageWarning.atLimit.${strategy}`) : t(`usageWarning.nearLimit.${strategy}`)}</Text>
    </EmailLayout>
  );
}

UsageWarning.PreviewProps = {
  locale: "en",
  tenantName: "Acme",
  metric: "api_calls",
  used: 8000,
  limit: 10000,
  percent: 80,
  strategy: "upgrade",
  url: "http://localhost:3000/settings/billing",
} satisfies UsageWarningProps;
