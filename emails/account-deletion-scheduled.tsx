import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { formatDate } from "./components/format";
import { emailTranslator } from "./translator";

export interface AccountDeletionScheduledProps {
  locale: Locale;
  name: string;
  deleteAt: string;
  /** Where the user cancels the deletion. */
  url: string;
}

export default function AccountDeletionScheduled({ locale, name, deleteAt, url }: AccountDeletionScheduledProps) {
  const t = emailTranslator(locale);
  const date = formatDate(locale, deleteAt);
  return (
    <EmailLayout
      lang={locale}
      preview={t("accountDeletionScheduled.preview")}
      heading={t("accountDeletionScheduled.heading")}
      action={{ label: t("accountDeletionScheduled.action"), url }}
      footer={t("common.ignoreIfNotYou")}
    >
      <Text>{t("common.greeting", { name })}</Text>
      <Text>{t("accountDeletionScheduled.body", { date })}</Text>
      <Text>{t("accountDeletionScheduled.cancel")}</Text>
    </EmailLayout>
  );
}

AccountDeletionScheduled.PreviewProps = {
  locale: "en",
  name: "Ada",
  deleteAt: "2026-12-26T00:00:00.000Z",
  url: "http://localhost:3000/settings/account",
} satisfies AccountDeletionScheduledProps;
