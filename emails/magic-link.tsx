import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { emailTranslator } from "./translator";

export interface MagicLinkProps {
  locale: Locale;
  url: string;
}

export default function MagicLink({ locale, url }: MagicLinkProps) {
  const t = emailTranslator(locale);
  return (
    <EmailLayout
      lang={locale}
      preview={t("magicLink.preview")}
      heading={t("magicLink.heading")}
      action={{ label: t("magicLink.action"), url }}
      footer={t("common.ignoreIfNotYou")}
    >
      <Text>{t("magicLink.body")}</Text>
    </EmailLayout>
  );
}

MagicLink.PreviewProps = { locale: "en", url: "http://localhost:3000/api/auth/magic-link/verify?token=preview" } satisfies MagicLinkProps;
