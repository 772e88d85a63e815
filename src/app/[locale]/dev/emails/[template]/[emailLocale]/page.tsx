import { notFound } from "next/navigation";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { SiteHeader } from "@/components/site-header";
import { playgroundEnabled } from "@/env";
import { Link } from "@/i18n/navigation";
import { isLocale } from "@/i18n/routing";
import { emailSample, isEmailTemplate, renderEmail, type EmailTemplate, type EmailTemplateProps } from "@/server/domain/notifications/send-email";

export const dynamic = "force-dynamic";

/** One template (?variant= one of its variants) rendered in one locale with its sample data, exactly as the delivery job renders it. */
export default async function DevEmailPreviewPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string; template: string; emailLocale: string }>;
  searchParams: Promise<{ variant?: string }>;
}) {
  if (!playgroundEnabled) notFound();
  const { locale, template, emailLocale } = await params;
  const requested = (await searchParams).variant;
  const variant = typeof requested === "string" ? requested : undefined;
  setRequestLocale(locale);
  if (!isEmailTemplate(template) || !isLocale(emailLocale)) notFound();
  const sample = emailSample(template, variant);
  if (!sample) notFound();
  const props = { ...sample, locale: emailLocale } as EmailTemplateProps<EmailTemplate>;
  const email = await renderEmail(template, props);
  const t = await getTranslations("emails.devPreview");
  return (
    <>
      <SiteHeader />
      <main className="mx-auto flex w-full max-w-5xl flex-col gap-6 px-6 py-8">
        <Link href="/dev/emails" className="text-sm text-muted-foreground underline-offset-4 hover:underline">
          ← {t("backToList")}
        </Link>
        <div>
          <h1 className="text-2xl font-semibold">{email.subject}</h1>
          <p className="mt-1 font-mono text-sm text-muted-foreground">
            {variant ? `${template}.${variant}` : template} · {emailLocale}
          </p>
        </div>
        {/* Rendered in a sandbox: the email's HTML never runs in the app's origin. */}
        <iframe title={email.subject} sandbox="allow-popups allow-popups-to-escape-sandbox" srcDoc={email.html} className="h-[36rem] w-full rounded-lg border bg-white" />
        <details>
          <summary className="cursor-pointer text-sm font-medium">{t("plainText")}</summary>
          <pre className="mt-2 whitespace-pre-wrap rounded-lg border p-4 text-xs">{email.text}</pre>
        </details>
      </main>
    </>
  );
}
