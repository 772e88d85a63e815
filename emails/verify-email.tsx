import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { emailTranslator } from "./translator";

export interface VerifyEmailProps {
  locale: Locale;
  name: string;
  url: string;
}

export default function VerifyEmail({ locale, name, url }: VerifyEmailProps) {
  const t = emailTranslator(locale);
  return (
    <EmailLayout
      lang={locale}
      preview={t("verifyEmail.preview")}
      heading={t("verifyEmail.heading")}
      action={{ label: t("verifyEmail.action"), url }}
      footer={t("common.ignoreIfNotYou")}
    >
      <Text>{t("common.greeting", { name })}</Text>
      <Text>{t("verifyEmail.body")}</Text>
    </EmailLayout>
  );
}

VerifyEmail.PreviewProps = { locale: "en", name: "Ada", url: "http://localhost:3000/api/auth/verify-email?token=preview" } satisfies VerifyEmailProps;
