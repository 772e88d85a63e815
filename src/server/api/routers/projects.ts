import { z } from "zod";
import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import {
  analysisRequestIdSchema,
  createProject,
  deleteProject,
  getProjectOrThrow,
  listProjects,
  projectIdSchema,
  projectNameSchema,
  renameProject,
  runProjectAnalysis,
} from "@/server/domain/projects/projects";
import { projectListSchema, projectSchema } from "@/server/domain/projects/project-schemas";
import type { MemberType } from "@/generated/prisma/client";

const byId = z.object({ id: projectIdSchema });

/** Usage is attributed to the signed-in member or guest. */
const actorOf = (ctx: { user: { id: string }; membership: { memberType: MemberType } }) => ({ userId: ctx.user.id, type: ctx.membership.memberType });

export const projectsRouter = createTRPCRouter({
  list: tenantProcedure("project:read")
    .output(projectListSchema)
    .query(({ ctx }) => listProjects(ctx.db, { tenantId: ctx.tenant.id })),

  get: tenantProcedure("project:read")
    .input(byId)
    .output(projectSchema)
    .query(({ ctx, input }) => getProjectOrThrow(ctx.db, { tenantId: ctx.tenant.id, id: input.id })),

  create: tenantProcedure("project:create")
    .input(z.object({ name: projectNameSchema }))
    .mutation(({ ctx, input }) => createProject(ctx.db, { tenantId: ctx.tenant.id, actor: actorOf(ctx), name: input.name, now: new Date() })),

  /** The example metered action: 1 API call + 2 AI credits per request id (a retry counts once). Guests may run it. */
  runAnalysis: tenantProcedure("project:update")
    .input(byId.extend({ requestId: analysisRequestIdSchema }))
    .mutation(({ ctx, input }) =>
      runProjectAnalysis(ctx.db, { tenantId: ctx.tenant.id, actor: actorOf(ctx), id: input.id, requestId: input.requestId, now: new Date() }),
    ),

  rename: tenantProcedure("project:update")
    .input(byId.extend({ name: projectNameSchema }))
    .mutation(({ ctx, input }) =>
      renameProject(ctx.db, { tenantId: ctx.tenant.id, actorUserId: ctx.user.id, id: input.id, name: input.name }),
    ),

  delete: tenantProcedure("project:delete")
    .input(byId)
    .mutation(({ ctx, input }) =>
      deleteProject(ctx.db, { tenantId: ctx.tenant.id, actorUserId: ctx.user.id, id: input.id }),
    ),
});
