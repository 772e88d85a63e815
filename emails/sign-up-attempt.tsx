import { Link, Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { EmailLayout } from "./components/email-layout";
import { emailTranslator } from "./translator";

/**
 * To the holder of an account when someone signs up with its address. The sign-up itself answers as
 * for a new address (nobody learns that the account exists), so this mail is how the holder hears of it.
 */
export interface SignUpAttemptProps {
  locale: Locale;
  /** The account holder's name, as stored; nothing from the attempt is echoed. */
  name: string;
  /** The sign-in page in the recipient's locale. */
  url: string;
  /** The forgot-password page in the recipient's locale. */
  resetPasswordUrl: string;
}

export default function SignUpAttempt({ locale, name, url, resetPasswordUrl }: SignUpAttemptProps) {
  const t = emailTranslator(locale);
  return (
    <EmailLayout
      lang={locale}
      preview={t("signUpAttempt.preview")}
      heading={t("signUpAttempt.heading")}
      action={{ label: t("signUpAttempt.action"), url }}
      footer={t("signUpAttempt.ifNotYou")}
    >
      <Text>{t("common.greeting", { name })}</Text>
      <Text>{t("signUpAttempt.body")}</Text>
      <Text>{t("signUpAttempt.ifYou")}</Text>
      <Text>
        {t("signUpAttempt.resetPassword")} <Link href={resetPasswordUrl}>{resetPasswordUrl}</Link>
      </Text>
    </EmailLayout>
  );
}

SignUpAttempt.PreviewProps = {
  locale: "en",
  name: "Ada",
  url: "http://localhost:3000/sign-in",
  resetPasswordUrl: "http://localhost:3000/forgot-password",
} satisfies SignUpAttemptProps;
