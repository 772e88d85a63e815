import { notFound } from "next/navigation";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { SiteHeader } from "@/components/site-header";
import { playgroundEnabled } from "@/env";
import { Link } from "@/i18n/navigation";
import { locales } from "@/i18n/routing";
import { EMAIL_SAMPLES } from "@/server/domain/notifications/send-email";

/** Every template (each variant of one with variants) x every locale, each a link to its rendering with sample data. */
export default async function DevEmailTemplatesPage({ params }: { params: Promise<{ locale: string }> }) {
  if (!playgroundEnabled) notFound();
  setRequestLocale((await params).locale);
  const t = await getTranslations("emails.devPreview");
  return (
    <>
      <SiteHeader />
      <main className="mx-auto flex w-full max-w-5xl flex-col gap-6 px-6 py-8">
        <div>
          <h1 className="text-2xl font-semibold">{t("title")}</h1>
          <p className="mt-1 text-sm text-muted-foreground">{t("subtitle")}</p>
        </div>
        <table className="w-full text-sm">
          <thead>
            <tr className="text-left">
              <th scope="col" className="py-2 pr-4 font-medium">
                {t("template")}
              </th>
              {locales.map((l) => (
                <th key={l} scope="col" className="px-3 py-2 font-medium">
                  {l}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {EMAIL_SAMPLES.map(({ template, variant }) => {
              const name = variant ? `${template}.${variant}` : template;
              return (
                <tr key={name} className="border-t">
                  <th scope="row" className="py-2 pr-4 text-left font-mono font-normal">
                    {name}
                  </th>
                  {locales.map((l) => (
                    <td key={l} className="px-3 py-2">
                      <Link
                        href={{ pathname: `/dev/emails/${template}/${l}`, query: variant ? { variant } : {} }}
                        className="text-blue-700 underline dark:text-blue-300"
                      >
                        {`${name} (${l})`}
                      </Link>
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </main>
    </>
  );
}
