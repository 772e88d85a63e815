import { getTranslations } from "next-intl/server";

/** What a signed-in user without a workspace (platform staff, a removed member) sees on tenant pages. */
export async function NoTenant() {
  const t = await getTranslations("app.noTenant");
  return (
    <section className="rounded-lg border p-8 text-center">
      <h1 className="text-lg font-semibold">{t("title")}</h1>
      <p className="mt-2 text-muted-foreground">{t("body")}</p>
    </section>
  );
}
