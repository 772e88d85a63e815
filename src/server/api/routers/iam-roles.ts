import { z } from "zod";
import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import {
  createRole,
  deleteRole,
  listRoles,
  roleDescriptionSchema,
  roleIdSchema,
  roleNameSchema,
  rolePermissionsSchema,
  tenantActor,
  updateRole,
} from "@/server/domain/rbac/iam-roles";
import { roleListSchema } from "@/server/domain/rbac/role-schemas";

// Built-in roles come from the matrix (rbac/permissions.ts); custom roles are the tenant's iam_roles.
export const iamRolesRouter = createTRPCRouter({
  list: tenantProcedure("role:read")
    .output(roleListSchema)
    .query(({ ctx }) => listRoles(ctx.db, { tenantId: ctx.tenant.id })),

  create: tenantProcedure("role:manage")
    .input(z.object({ name: roleNameSchema, description: roleDescriptionSchema.optional(), permissions: rolePermissionsSchema }))
    .mutation(({ ctx, input }) =>
      createRole(ctx.db, {
        tenantId: ctx.tenant.id,
        actor: tenantActor(ctx),
        ...input,
      }),
    ),

  update: tenantProcedure("role:manage")
    .input(
      z.object({
        roleId: roleIdSchema,
        name: roleNameSchema.optional(),
        description: roleDescriptionSchema.optional(),
        permissions: rolePermissionsSchema.optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      updateRole(ctx.db, {
        tenantId: ctx.tenant.id,
        actor: tenantActor(ctx),
        ...input,
      }),
    ),

  /** Refused while members hold the role or pending invitations offer it. */
  delete: tenantProcedure("role:manage")
    .input(z.object({ roleId: roleIdSchema }))
    .mutation(({ ctx, input }) =>
      deleteRole(ctx.db, {
        tenantId: ctx.tenant.id,
        actor: tenantActor(ctx),
        roleId: input.roleId,
      }),
    ),
});
