import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import { SiteHeader } from "@/components/site-header";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Link } from "@/i18n/navigation";
import { prisma } from "@/server/db/client";
import { listMailbox, mailboxAddresses } from "@/server/domain/dev-mailbox/access";
import { mailboxAccessForRequest } from "@/server/domain/dev-mailbox/request";

export const dynamic = "force-dynamic";

// Who sees what is decided in src/server/domain/dev-mailbox/access.ts: everything in development, only
// the visitor's own mail in a playground build, nothing (a sign-in prompt) for anonymous visitors there.
export default async function DevMailboxPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: Promise<{ to?: string | string[] }>;
}) {
  setRequestLocale((await params).locale);
  const access = await mailboxAccessForRequest(await headers());
  if (!access) notFound();
  const { to } = await searchParams;
  const t = await getTranslations("devMailbox");
  const format = await getFormatter();

  if (access.kind === "signedOut") {
    return (
      <>
        <SiteHeader />
        <main className="mx-auto flex w-full max-w-5xl flex-col items-start gap-4 px-6 py-8">
          <h1 className="text-2xl font-semibold">{t("ownTitle")}</h1>
          <p className="text-muted-foreground">{t("signInPrompt")}</p>
          <Button asChild>
            <Link href={{ pathname: "/sign-in", query: { callbackURL: "/dev/mailbox" } }}>{t("signIn")}</Link>
          </Button>
        </main>
      </>
    );
  }

  const messages = await listMailbox(prisma, access, { to: typeof to === "string" ? to : undefined });
  return (
    <>
      <SiteHeader />
      <main className="mx-auto w-full max-w-5xl px-6 py-8">
        {access.kind === "everything" ? (
          <>
            <h1 className="text-2xl font-semibold">{t("title")}</h1>
            <p className="mt-1 text-sm text-muted-foreground">{t("subtitle")}</p>
            <Alert className="mt-4">{t("developmentOnly")}</Alert>
          </>
        ) : (
          <>
            <h1 className="text-2xl font-semibold">{t("ownTitle")}</h1>
            <p className="mt-1 text-sm text-muted-foreground">{t("ownSubtitle", { addresses: mailboxAddresses(access).join(", ") })}</p>
          </>
        )}
        {messages.length === 0 ? (
          <p className="mt-8 rounded-lg border border-dashed p-10 text-center text-muted-foreground">{t("empty")}</p>
        ) : (
          // Scrolls sideways on a phone instead of widening the page.
          <div className="mt-6 overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="border-b text-muted-foreground">
                <tr>
                  <th className="py-2 font-medium">{t("to")}</th>
                  <th className="py-2 font-medium">{t("subject")}</th>
                  <th className="py-2 font-medium">{t("received")}</th>
                </tr>
              </thead>
              <tbody className="divide-y">
                {messages.map((m) => (
                  <tr key={m.id}>
                    <td className="py-2 pr-4">{m.to}</td>
                    <td className="py-2 pr-4">
                      <Link href={`/dev/mailbox/${m.id}`} className="font-medium underline-offset-4 hover:underline">
                        {m.subject}
                      </Link>
                    </td>
                    <td className="py-2 text-muted-foreground">{format.dateTime(m.createdAt, { dateStyle: "short", timeStyle: "medium" })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </main>
    </>
  );
}
