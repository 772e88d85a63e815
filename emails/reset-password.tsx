import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { emailTranslator } from "./translator";

export interface ResetPasswordProps {
  locale: Locale;
  name: string;
  url: string;
}

export default function ResetPassword({ locale, name, url }: ResetPasswordProps) {
  const t = emailTranslator(locale);
  return (
    <EmailLayout
      lang={locale}
      preview={t("resetPassword.preview")}
      heading={t("resetPassword.heading")}
      action={{ label: t("resetPassword.action"), url }}
      footer={t("common.ignoreIfNotYou")}
    >
      <Text>{t("common.greeting", { name })}</Text>
      <Text>{t("resetPassword.body")}</Text>
    </EmailLayout>
  );
}

ResetPassword.PreviewProps = { locale: "en", name: "Ada", url: "http://localhost:3000/reset-password?token=preview" } satisfies ResetPasswordProps;
