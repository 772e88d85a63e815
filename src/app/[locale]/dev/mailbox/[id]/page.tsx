import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import { z } from "zod";
import { SiteHeader } from "@/components/site-header";
import { Link } from "@/i18n/navigation";
import { prisma } from "@/server/db/client";
import { findMailboxMessage } from "@/server/domain/dev-mailbox/access";
import { mailboxAccessForRequest } from "@/server/domain/dev-mailbox/request";

export const dynamic = "force-dynamic";

/** The links of a rendered email, listed under it so they are one click away (and easy for e2e to follow). */
function linksOf(html: string): string[] {
  const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replaceAll("&amp;", "&"));
  return [...new Set(hrefs.filter((h) => /^https?:\/\//.test(h)))];
}

/** A message the visitor may not read answers 404 like a missing one (access: src/server/domain/dev-mailbox/access.ts). */
export default async function DevMailboxMessagePage({ params }: { params: Promise<{ locale: string; id: string }> }) {
  const { locale, id } = await params;
  setRequestLocale(locale);
  const access = await mailboxAccessForRequest(await headers());
  if (!access) notFound();
  if (!z.uuid().safeParse(id).success) notFound();
  const message = await findMailboxMessage(prisma, access, id);
  if (!message) notFound();
  const t = await getTranslations("devMailbox");
  const format = await getFormatter();
  return (
    <>
      <SiteHeader />
      <main className="mx-auto flex w-full max-w-5xl flex-col gap-6 px-6 py-8">
        <Link href="/dev/mailbox" className="text-sm text-muted-foreground underline-offset-4 hover:underline">
          ← {t("backToList")}
        </Link>
        <div>
          <h1 className="text-2xl font-semibold">{message.subject}</h1>
          <p className="mt-1 text-sm text-muted-foreground">
            {t("to")}: {message.to} · {format.dateTime(message.createdAt, { dateStyle: "short", timeStyle: "medium" })}
          </p>
        </div>
        <section aria-labelledby="links">
          <h2 id="links" className="text-sm font-semibold">
            {t("links")}
          </h2>
          <ul className="mt-2 flex flex-col gap-1 text-sm">
            {linksOf(message.html).map((href) => (
              <li key={href}>
                <a href={href} className="break-all text-blue-700 underline dark:text-blue-300">
                  {href}
                </a>
              </li>
            ))}
          </ul>
        </section>
        {/* Rendered in a sandbox: the email's HTML never runs in the app's origin. */}
        <iframe title={message.subject} sandbox="allow-popups allow-popups-to-escape-sandbox" srcDoc={message.html} className="h-[32rem] w-full rounded-lg border bg-white" />
        <details>
          <summary className="cursor-pointer text-sm font-medium">{t("plainText")}</summary>
          <pre className="mt-2 whitespace-pre-wrap rounded-lg border p-4 text-xs">{message.text}</pre>
        </details>
      </main>
    </>
  );
}
