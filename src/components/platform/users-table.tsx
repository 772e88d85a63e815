import { getFormatter, getTranslations } from "next-intl/server";
import { TableSection } from "@/components/platform/table-section";
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
    <TableSection
      id="platform-users"
      title={t("title")}
      subtitle={t("subtitle")}
      caption={t("caption")}
      empty={t("empty")}
      isEmpty={page.items.length === 0}
      columns={[
        { label: t("name") },
        { label: t("email") },
        { label: t("created") },
        { label: t("verified") },
        { label: t("twoFactor") },
        { label: t("roles") },
        { label: t("memberships"), align: "right" },
      ]}
      rows={
        <>
          {page.items.map((user) => (
            <tr key={user.id} className="border-t">
              <th scope="row" className="px-3 py-2 font-medium">
                {user.name}
              </th>
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
        </>
      }
      footer={
        <nav aria-label={t("caption")} className="flex gap-4 text-sm">
          {!isFirstPage && (
            <Link href="/platform" className="underline-offset-4 hover:underline">
              {t("first")}
            </Link>
          )}
          {page.nextCursor && (
            <Link
              href={{ pathname: "/platform", query: { users: page.nextCursor } }}
              className="underline-offset-4 hover:underline"
            >
              {t("next")}
            </Link>
          )}
        </nav>
      }
    />
  );
}
