import type { DbTx } from "@/server/db/client";
import { effectivePermissions, isBuiltInRole, isPermission, rolePermissions, type Permission } from "./permissions";

/**
 * What a membership may do in its tenant: a built-in role's row of the matrix, or a custom role's
 * stored set (unknown entries dropped), cut to the guest ceiling for guests. An unknown role may do nothing.
 */
export async function resolvePermissions(
  db: DbTx,
  membership: { tenantId: string; role: string; memberType: "member" | "guest" },
): Promise<Permission[]> {
  if (isBuiltInRole(membership.role)) return effectivePermissions(rolePermissions[membership.role], membership.memberType);
  const custom = await db.iamRole.findUnique({
    where: { tenantId_key: { tenantId: membership.tenantId, key: membership.role } },
    select: { permissions: true },
  });
  return effectivePermissions((custom?.permissions ?? []).filter(isPermission), membership.memberType);
}
