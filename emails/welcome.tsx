import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { emailTranslator } from "./translator";

export interface WelcomeProps {
  locale: Locale;
  name: string;
  url: string;
}

export default function Welcome({ locale, name, url }: WelcomeProps) {
  const t = emailTranslator(locale);
  return (
    <EmailLayout
      lang={locale}
      preview={t("welcome.preview")}
      heading={t("welcome.heading", { name })}
      action={{ label: t("welcome.action"), url }}
      footer={t("welcome.footer")}
    >
      <Text>{t("welcome.body")}</Text>
      <Text>{t("common.regards")}</Text>
    </EmailLayout>
  );
}

Welcome.PreviewProps = { locale: "en", name: "Ada", url: "http://localhost:3000/projects" } satisfies WelcomeProps;
