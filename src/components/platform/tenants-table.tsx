import { getFormatter, getTranslations } from "next-intl/server";
import { TableSection } from "@/components/platform/table-section";
import { Badge } from "@/components/ui/badge";
import type { AppRouter } from "@/server/api/root";
import type { inferRouterOutputs } from "@trpc/server";

type Tenant = inferRouterOutputs<AppRouter>["platform"]["tenants"][number];

export async function TenantsTable({ tenants }: { tenants: Tenant[] }) {
  const t = await getTranslations("platform.tenants");
  const billing = await getTranslations("app.billingState");
  const format = await getFormatter();
  return (
    <TableSection
      id="platform-tenants"
      title={t("title")}
      subtitle={t("subtitle")}
      caption={t("caption")}
      empty={t("empty")}
      isEmpty={tenants.length === 0}
      columns={[
        { label: t("name") },
        { label: t("plan") },
        { label: t("billingState") },
        { label: t("members"), align: "right" },
        { label: t("projects"), align: "right" },
        { label: t("created") },
      ]}
      rows={
        <>
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
        </>
      }
    />
  );
}
