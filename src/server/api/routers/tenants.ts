import { z } from "zod";
import { createTRPCRouter, memberProcedure, tenantProcedure } from "@/server/api/trpc";
import { listMemberships, switchActiveTenant } from "@/server/domain/tenancy/memberships";
import { entityIdSchema } from "@/server/domain/validation";

export const tenantsRouter = createTRPCRouter({
  /** The caller's workspaces, for the tenant switcher. */
  mine: memberProcedure.query(({ ctx }) => listMemberships(ctx.db, ctx.user.id)),

  /** The active tenant with the caller's role and permissions: what the UI's can() reads. */
  current: tenantProcedure("tenant:read").query(({ ctx }) => ({
    ...ctx.tenant,
    role: ctx.membership.role,
    memberType: ctx.membership.memberType,
    permissions: ctx.permissions,
  })),

  switch: memberProcedure
    .input(z.object({ tenantId: entityIdSchema }))
    .mutation(({ ctx, input }) =>
      switchActiveTenant(ctx.db, { userId: ctx.user.id, sessionId: ctx.session.session.id, tenantId: input.tenantId }),
    ),
});
