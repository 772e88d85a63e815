import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { LanguageSwitcher } from "@/components/language-switcher";
import { Link } from "@/i18n/navigation";

/** The header of public pages: name, optional actions, language. */
export async function SiteHeader({ children }: { children?: ReactNode }) {
  const t = await getTranslations("common");
  return (
    <header className="mx-auto flex w-full max-w-5xl items-center justify-between gap-4 px-6 py-4">
      <Link href="/" className="font-semibold tracking-tight">
        {t("appName")}
      </Link>
      <div className="flex items-center gap-3">
        {children}
        <LanguageSwitcher />
      </div>
    </header>
  );
}
