import { getFormatter, getTranslations } from "next-intl/server";
import { Badge } from "@/components/ui/badge";
import type { AppRouter } from "@/server/api/root";
import type { inferRouterOutputs } from "@trpc/server";

type Tenant = inferRouterOutputs<AppRouter>["platform"]["tenants"][number];

export async function TenantsTable({ tenants }: { tenants: Tenant[] }) {
  const t = await getTranslations("platform.tenants");
  const billing = await getTranslations("app.billingState");
  const format = await getFormatter();
  return (
    <section aria-labelledby="platform-tenants" className="flex flex-col gap-3">
      <div>
        <h2 id="platform-tenants" className="text-lg font-semibold">
          {t("title")}
        </h2>
        <p className="text-sm text-muted-foreground">{t("subtitle")}</p>
      </div>
      {tenants.length === 0 ? (
        <p className="text-sm text-muted-foreground">{t("empty")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">{t("caption")}</caption>
            <thead className="bg-muted/50 text-xs uppercase text-muted-foreground">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">{t("name")}</th>
                <th scope="col" className="px-3 py-2 font-medium">{t("plan")}</th>
                <th scope="col" className="px-3 py-2 font-medium">{t("billingState")}</th>
                <th scope="col" className="px-3 py-2 text-right font-medium">{t("members")}</th>
                <th scope="col" className="px-3 py-2 text-right font-medium">{t("projects")}</th>
                <th scope="col" className="px-3 py-2 font-medium">{t("created")}</th>
              </tr>
            </thead>
            <tbody>
              {tenants.map((tenant) => (
                <tr key={tenant.id} className="border-t">
                  <th scope="row" className="px-3 py-2 font-medium">
                    {tenant.name}
                    {tenant.deletedAt && (
                      <Badge variant="danger" className="ml-2">
                        {t("deleted")}
                      </Badge>
                    )}
                  </th>
                  <td className="px-3 py-2 capitalize">{tenant.plan}</td>
                  <td className="px-3 py-2">{billing(tenant.billingState)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{tenant._count.members}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{tenant._count.projects}</td>
                  <td className="px-3 py-2 whitespace-nowrap">{format.dateTime(tenant.createdAt, { dateStyle: "medium" })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
