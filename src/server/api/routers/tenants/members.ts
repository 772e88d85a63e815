import { z } from "zod";
import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { tenantActor } from "@/server/domain/rbac/iam-roles";
import {
  changeMemberRole,
  listMembers,
  memberIdSchema,
  memberTypeSchema,
  removeMember,
  roleKeySchema,
} from "@/server/domain/tenancy/members";
import { memberListSchema } from "@/server/domain/tenancy/tenancy-schemas";

export const membersRouter = createTRPCRouter({
  list: tenantProcedure("member:read")
    .output(memberListSchema)
    .query(({ ctx }) => listMembers(ctx.db, { tenantId: ctx.tenant.id })),

  changeRole: tenantProcedure("member:update")
    .input(z.object({ memberId: memberIdSchema, role: roleKeySchema, memberType: memberTypeSchema.optional() }))
    .mutation(({ ctx, input }) =>
      changeMemberRole(ctx.db, {
        tenantId: ctx.tenant.id,
        actor: tenantActor(ctx),
        ...input,
      }),
    ),

  /** Removes another member; removing yourself is tenants.leave. */
  remove: tenantProcedure("member:remove")
    .input(z.object({ memberId: memberIdSchema }))
    .mutation(({ ctx, input }) =>
      removeMember(ctx.db, {
        tenantId: ctx.tenant.id,
        actor: tenantActor(ctx),
        memberId: input.memberId,
      }),
    ),
});
