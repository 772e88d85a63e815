import { getTranslations } from "next-intl/server";
import { UserMenu } from "@/components/app/user-menu";
import { LanguageSwitcher } from "@/components/language-switcher";
import { Badge } from "@/components/ui/badge";
import { Link } from "@/i18n/navigation";

export async function PlatformHeader({ user, staff }: { user: { name: string; email: string }; staff: boolean }) {
  const t = await getTranslations("platform");
  return (
    <header className="border-b">
      <div className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-6 py-3">
        <div className="flex items-center gap-3">
          <Link href="/platform" className="font-semibold tracking-tight">
            {t("title")}
          </Link>
          {staff && <Badge variant="warning">{t("staffBadge")}</Badge>}
        </div>
        <div className="flex items-center gap-3">
          <LanguageSwitcher />
          <UserMenu name={user.name} email={user.email} />
        </div>
      </div>
    </header>
  );
}
