import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { emailTranslator } from "./translator";

export interface DataExportReadyProps {
  locale: Locale;
  url: string;
  expiresInDays: number;
}

export default function DataExportReady({ locale, url, expiresInDays }: DataExportReadyProps) {
  const t = emailTranslator(locale);
  return (
    <EmailLayout
      lang={locale}
      preview={t("dataExportReady.preview", { days: expiresInDays })}
      heading={t("dataExportReady.heading")}
      action={{ label: t("dataExportReady.action"), url }}
      footer={t("common.ignoreIfNotYou")}
    >
      <Text>{t("dataExportReady.body")}</Text>
      <Text>{t("dataExportReady.expiry", { days: expiresInDays })}</Text>
    </EmailLayout>
  );
}

DataExportReady.PreviewProps = { locale: "en", url: "http://localhost:3000/settings/privacy/exports/preview", expiresInDays: 7 } satisfies DataExportReadyProps;
