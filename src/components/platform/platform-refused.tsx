import { getTranslations } from "next-intl/server";
import { Button } from "@/components/ui/button";
import { Link } from "@/i18n/navigation";

/** /platform for someone who may not use it: what is missing, and the way back. */
export async function PlatformRefused({ reason }: { reason: "notStaff" | "membership" | "domain" }) {
  const t = await getTranslations("platform.refused");
  return (
    <section className="rounded-lg border p-8 text-center" aria-labelledby="platform-refused">
      <h1 id="platform-refused" className="text-lg font-semibold">
        {t("title")}
      </h1>
      <p className="mt-2 text-muted-foreground">{t(reason)}</p>
      <Button asChild variant="outline" className="mt-6">
        <Link href="/projects">{t("back")}</Link>
      </Button>
    </section>
  );
}
