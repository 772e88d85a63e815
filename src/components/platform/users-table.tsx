import { getFormatter, getTranslations } from "next-intl/server";
import { Badge } from "@/components/ui/badge";
import { Link } from "@/i18n/navigation";
import type { AppRouter } from "@/server/api/root";
import type { inferRouterOutputs } from "@trpc/server";

type UsersPage = inferRouterOutputs<AppRouter>["platform"]["users"];

/** One page of platform.users; the next page is a link (?users=<cursor>), so it works without JavaScript. */
export async function UsersTable({ page, isFirstPage }: { page: UsersPage; isFirstPage: boolean }) {
  const t = await getTranslations("platform.users");
  const format = await getFormatter();
  const yesNo = (v: boolean) => (v ? t("yes") : t("no"));
  return (
    <section aria-labelledby="platform-users" className="flex flex-col gap-3">
      <div>
        <h2 id="platform-users" className="text-lg font-semibold">
          {t("title")}
        </h2>
        <p className="text-sm text-muted-foreground">{t("subtitle")}</p>
      </div>
      {page.items.length === 0 ? (
        <p className="text-sm text-muted-foreground">{t("empty")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">{t("caption")}</caption>
            <thead className="bg-muted/50 text-xs uppercase text-muted-foreground">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">{t("name")}</th>
                <th scope="col" className="px-3 py-2 font-medium">{t("email")}</th>
                <th scope="col" className="px-3 py-2 font-medium">{t("created")}</th>
                <th scope="col" className="px-3 py-2 font-medium">{t("verified")}</th>
                <th scope="col" className="px-3 py-2 font-medium">{t("twoFactor")}</th>
                <th scope="col" className="px-3 py-2 font-medium">{t("roles")}</th>
                <th scope="col" className="px-3 py-2 text-right font-medium">{t("memberships")}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((user) => (
                <tr key={user.id} className="border-t">
                  <th scope="row" className="px-3 py-2 font-medium">{user.name}</th>
                  <td className="px-3 py-2">{user.email}</td>
                  <td className="px-3 py-2 whitespace-nowrap">{format.dateTime(user.createdAt, { dateStyle: "medium" })}</td>
                  <td className="px-3 py-2">{yesNo(user.emailVerified)}</td>
                  <td className="px-3 py-2">{yesNo(user.twoFactorEnabled)}</td>
                  <td className="px-3 py-2">
                    {user.platformRoles.length === 0
                      ? t("none")
                      : user.platformRoles.map((role) => (
                          <Badge key={role} variant="info" className="mr-1 font-mono">
                            {role}
                          </Badge>
                        ))}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{user.membershipCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label={t("caption")} className="flex gap-4 text-sm">
        {!isFirstPage && (
          <Link href="/platform" className="underline-offset-4 hover:underline">
            {t("first")}
          </Link>
        )}
        {page.nextCursor && (
          <Link href={{ pathname: "/platform", query: { users: page.nextCursor } }} className="underline-offset-4 hover:underline">
            {t("next")}
          </Link>
        )}
      </nav>
    </section>
  );
}
