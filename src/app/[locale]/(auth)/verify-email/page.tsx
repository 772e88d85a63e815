import { getTranslations, setRequestLocale } from "next-intl/server";
import { z } from "zod";
import { ResendVerification } from "@/components/auth/resend-verification";
import { Button } from "@/components/ui/button";
import { Link } from "@/i18n/navigation";
import { devMailboxMode } from "@/server/domain/dev-mailbox/request";

export default async function VerifyEmailPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: Promise<{ email?: string }>;
}) {
  setRequestLocale((await params).locale);
  const parsed = z.email().safeParse((await searchParams).email);
  const email = parsed.success ? parsed.data : null;
  const t = await getTranslations("auth.verify");
  return (
    <>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="text-muted-foreground">{email ? t("body", { email }) : t("bodyNoEmail")}</p>
      {devMailboxMode === "open" && (
        <Button asChild>
          <Link href={email ? { pathname: "/dev/mailbox", query: { to: email } } : "/dev/mailbox"}>{t("openMailbox")}</Link>
        </Button>
      )}
      {/* A playground build: the sign-up's pass cookie shows this browser its own new account's mail there. */}
      {devMailboxMode === "own" && (
        <Button asChild>
          <Link href="/dev/mailbox">{t("openYourMailbox")}</Link>
        </Button>
      )}
      {email && <ResendVerification email={email} />}
    </>
  );
}
