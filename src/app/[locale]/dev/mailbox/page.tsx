import { notFound } from "next/navigation";
import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import { SiteHeader } from "@/components/site-header";
import { Link } from "@/i18n/navigation";
import { prisma } from "@/server/db/client";
import { listDevMailbox } from "@/server/providers/email/dev-mailbox";
import { devMailboxEnabled } from "@/server/providers/email";

export const dynamic = "force-dynamic";

export default async function DevMailboxPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: Promise<{ to?: string }>;
}) {
  if (!devMailboxEnabled) notFound();
  setRequestLocale((await params).locale);
  const { to } = await searchParams;
  const messages = await listDevMailbox(prisma, { to: to?.slice(0, 254) });
  const t = await getTranslations("devMailbox");
  const format = await getFormatter();
  return (
    <>
      <SiteHeader />
      <main className="mx-auto w-full max-w-5xl px-6 py-8">
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="mt-1 text-sm text-muted-foreground">{t("subtitle")}</p>
        {messages.length === 0 ? (
          <p className="mt-8 rounded-lg border border-dashed p-10 text-center text-muted-foreground">{t("empty")}</p>
        ) : (
          <table className="mt-6 w-full text-left text-sm">
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
        )}
      </main>
    </>
  );
}
