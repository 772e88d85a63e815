import { z } from "zod";
import { createTRPCRouter, memberProcedure, tenantProcedure } from "@/server/api/trpc";
import { listMemberships, switchActiveTenant } from "@/server/domain/tenancy/memberships";
import { isSingleTenantMode } from "@/server/domain/tenancy/single-tenant";
import { currentTenantSchema, membershipListSchema } from "@/server/domain/tenancy/tenancy-schemas";
import {
  createWorkspace,
  deleteConfirmationSchema,
  deleteWorkspace,
  leaveWorkspace,
  listDeletedWorkspaces,
  renameWorkspace,
  restoreWorkspace,
  workspaceNameSchema,
} from "@/server/domain/tenancy/workspaces";
import { entityIdSchema } from "@/server/domain/validation";
import { invitationsRouter } from "./tenants/invitations";
import { membersRouter } from "./tenants/members";
import { teamsRouter } from "./tenants/teams";

const byTenantId = z.object({ tenantId: entityIdSchema });

export const tenantsRouter = createTRPCRouter({
  /** The caller's workspaces, for the tenant switcher. */
  mine: memberProcedure.output(membershipListSchema).query(({ ctx }) => listMemberships(ctx.db, ctx.user.id)),

  /** The active tenant with the caller's role and permissions: what the UI's can() reads. */
  current: tenantProcedure("tenant:read")
    .output(currentTenantSchema)
    .query(({ ctx }) => ({
      ...ctx.tenant,
      role: ctx.membership.role,
      memberType: ctx.membership.memberType,
      permissions: ctx.permissions,
      singleTenantMode: isSingleTenantMode(),
    })),

  switch: memberProcedure
    .input(byTenantId)
    .mutation(({ ctx, input }) =>
      switchActiveTenant(ctx.db, { userId: ctx.user.id, sessionId: ctx.session.session.id, tenantId: input.tenantId }),
    ),

  /** A new workspace (starter plan, trial) owned by the caller, made active. */
  create: memberProcedure
    .input(z.object({ name: workspaceNameSchema }))
    .mutation(({ ctx, input }) =>
      createWorkspace(ctx.db, { userId: ctx.user.id, sessionId: ctx.session.session.id, name: input.name }),
    ),

  rename: tenantProcedure("tenant:update")
    .input(z.object({ name: workspaceNameSchema }))
    .mutation(({ ctx, input }) =>
      renameWorkspace(ctx.db, { tenantId: ctx.tenant.id, actorUserId: ctx.user.id, name: input.name }),
    ),

  /** Any member may leave any of their workspaces (no permission needed), except its last owner. */
  leave: memberProcedure
    .input(byTenantId)
    .mutation(({ ctx, input }) => leaveWorkspace(ctx.db, { tenantId: input.tenantId, userId: ctx.user.id })),

  /** Soft-deletes the active workspace; `confirmation` must be its name. */
  delete: tenantProcedure("tenant:delete")
    .input(z.object({ confirmation: deleteConfirmationSchema }))
    .mutation(({ ctx, input }) =>
      deleteWorkspace(ctx.db, {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.user.id,
        actorRole: ctx.membership.role,
        confirmation: input.confirmation,
      }),
    ),

  /** The caller's soft-deleted workspaces they own and can still restore (deleted ones are outside tenantProcedure). */
  deleted: memberProcedure.query(({ ctx }) => listDeletedWorkspaces(ctx.db, { userId: ctx.user.id })),

  restore: memberProcedure
    .input(byTenantId)
    .mutation(({ ctx, input }) =>
      restoreWorkspace(ctx.db, { tenantId: input.tenantId, actorUserId: ctx.user.id }),
    ),

  members: membersRouter,
  teams: teamsRouter,
  invitations: invitationsRouter,
});
