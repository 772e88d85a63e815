import { z } from "zod";
import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { memberIdSchema } from "@/server/domain/tenancy/members";
import {
  addTeamMember,
  createTeam,
  deleteTeam,
  listTeams,
  removeTeamMember,
  renameTeam,
  teamIdSchema,
  teamNameSchema,
} from "@/server/domain/tenancy/teams";
import { teamListSchema } from "@/server/domain/tenancy/tenancy-schemas";

const byTeam = z.object({ teamId: teamIdSchema });
const teamMember = byTeam.extend({ memberId: memberIdSchema });

export const teamsRouter = createTRPCRouter({
  list: tenantProcedure("team:read")
    .output(teamListSchema)
    .query(({ ctx }) => listTeams(ctx.db, { tenantId: ctx.tenant.id })),

  create: tenantProcedure("team:manage")
    .input(z.object({ name: teamNameSchema }))
    .mutation(({ ctx, input }) =>
      createTeam(ctx.db, { tenantId: ctx.tenant.id, actorUserId: ctx.user.id, name: input.name }),
    ),

  rename: tenantProcedure("team:manage")
    .input(byTeam.extend({ name: teamNameSchema }))
    .mutation(({ ctx, input }) =>
      renameTeam(ctx.db, { tenantId: ctx.tenant.id, actorUserId: ctx.user.id, ...input }),
    ),

  delete: tenantProcedure("team:manage")
    .input(byTeam)
    .mutation(({ ctx, input }) =>
      deleteTeam(ctx.db, { tenantId: ctx.tenant.id, actorUserId: ctx.user.id, teamId: input.teamId }),
    ),

  addMember: tenantProcedure("team:manage")
    .input(teamMember)
    .mutation(({ ctx, input }) =>
      addTeamMember(ctx.db, { tenantId: ctx.tenant.id, actorUserId: ctx.user.id, ...input }),
    ),

  removeMember: tenantProcedure("team:manage")
    .input(teamMember)
    .mutation(({ ctx, input }) =>
      removeTeamMember(ctx.db, { tenantId: ctx.tenant.id, actorUserId: ctx.user.id, ...input }),
    ),
});
