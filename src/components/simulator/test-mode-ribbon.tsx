import { getTranslations } from "next-intl/server";

/** The band across the top of every simulator page: nothing here is a real payment. */
export async function TestModeRibbon() {
  const t = await getTranslations("simulator");
  return (
    <div role="note" className="bg-amber-400 px-4 py-1.5 text-center text-xs text-amber-950">
      <span className="font-semibold uppercase tracking-wide">{t("testMode")}</span>
      <span className="mx-2" aria-hidden>
        ·
      </span>
      {t("testModeBody")}
    </div>
  );
}
