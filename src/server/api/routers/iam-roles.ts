import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { builtInRoles, rolePermissions } from "@/server/domain/rbac/permissions";

// Custom per-tenant roles arrive with the tenancy issue; the built-in ones are read from the matrix.
export const iamRolesRouter = createTRPCRouter({
  list: tenantProcedure("member:read").query(() =>
    builtInRoles.map((role) => ({ role, builtIn: true, permissions: [...rolePermissions[role]] })),
  ),
});
