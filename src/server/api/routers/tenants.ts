import { z } from "zod";
import { createTRPCRouter, protectedProcedure, tenantProcedure } from "@/server/api/trpc";
import { listMemberships, switchActiveTenant } from "@/server/domain/tenancy/memberships";
import { entityIdSchema } from "@/server/domain/validation";

export const tenantsRouter = createTRPCRouter({
  /** The caller's workspaces, for the tenant switcher. */
  mine: protectedProcedure.query(({ ctx }) => listMemberships(ctx.db, ctx.user.id)),

  current: tenantProcedure("tenant:read").query(({ ctx }) => ({ ...ctx.tenant, role: ctx.membership.role })),

  switch: protectedProcedure
    .input(z.object({ tenantId: entityIdSchema }))
    .mutation(({ ctx, input }) =>
      switchActiveTenant(ctx.db, { userId: ctx.user.id, sessionId: ctx.session.session.id, tenantId: input.tenantId }),
    ),
});
