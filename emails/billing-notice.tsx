import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { emailTranslator } from "./translator";

/**
 * The billing mails that say one thing about the workspace and link to the billing page:
 * - onHold: the provider put the subscription on hold (a renewal failed, or it was paused);
 * - suspended: the grace period after a failed payment ran out, the workspace is on the free plan's limits;
 * - paymentRecovered: after a failed payment (past due, suspended or on hold), it is paid and active again;
 * - trialExpired: the trial ended without a paid subscription, the workspace continues on the free Starter plan.
 */
export const BILLING_NOTICES = ["onHold", "suspended", "paymentRecovered", "trialExpired"] as const;
export type BillingNotice = (typeof BILLING_NOTICES)[number];

export interface BillingNoticeProps {
  locale: Locale;
  notice: BillingNotice;
  tenantName: string;
  url: string;
}

/** One notice's messages live under emails.billingNotice.<notice>; `next` is what to do now (a recovery needs nothing). */
export default function BillingNoticeEmail({ locale, notice, tenantName, url }: BillingNoticeProps) {
  const t = emailTranslator(locale);
  const args = { tenant: tenantName };
  return (
    <EmailLayout
      lang={locale}
      preview={t(`billingNotice.${notice}.preview`, args)}
      heading={t(`billingNotice.${notice}.heading`)}
      action={{ label: t(`billingNotice.${notice}.action`), url }}
      footer={t("common.billingFooter")}
    >
      <Text>{t(`billingNotice.${notice}.body`, args)}</Text>
      {notice !== "paymentRecovered" && <Text>{t(`billingNotice.${notice}.next`)}</Text>}
    </EmailLayout>
  );
}

BillingNoticeEmail.PreviewProps = {
  locale: "en",
  notice: "onHold",
  tenantName: "Acme",
  url: "http://localhost:3000/settings/billing",
} satisfies BillingNoticeProps;
