import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { formatDate } from "./components/format";
import { emailTranslator } from "./translator";

export interface GraceReminderProps {
  locale: Locale;
  tenantName: string;
  /** Whole days until graceEndsAt, rounded up (at least 1). */
  daysLeft: number;
  /** ISO: the end of the grace period, when the subscription is suspended. */
  graceEndsAt: string;
  url: string;
}

export default function GraceReminder({ locale, tenantName, daysLeft, graceEndsAt, url }: GraceReminderProps) {
  const t = emailTranslator(locale);
  return (
    <EmailLayout
      lang={locale}
      preview={t("graceReminder.preview", { days: daysLeft })}
      heading={t("graceReminder.heading")}
      action={{ label: t("graceReminder.action"), url }}
      footer={t("common.billingFooter")}
    >
      <Text>{t("graceReminder.body", { tenant: tenantName, date: formatDate(locale, graceEndsAt) })}</Text>
    </EmailLayout>
  );
}

GraceReminder.PreviewProps = {
  locale: "en",
  tenantName: "Acme",
  daysLeft: 1,
  graceEndsAt: "2026-12-06T00:00:00.000Z",
  url: "http://localhost:3000/settings/billing",
} satisfies GraceReminderProps;
