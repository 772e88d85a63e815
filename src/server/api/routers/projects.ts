import { z } from "zod";
import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import {
  createProject,
  deleteProject,
  getProjectOrThrow,
  listProjects,
  projectIdSchema,
  projectNameSchema,
  renameProject,
} from "@/server/domain/projects/projects";

const byId = z.object({ id: projectIdSchema });

export const projectsRouter = createTRPCRouter({
  list: tenantProcedure("project:read").query(({ ctx }) => listProjects(ctx.db, { tenantId: ctx.tenant.id })),

  get: tenantProcedure("project:read")
    .input(byId)
    .query(({ ctx, input }) => getProjectOrThrow(ctx.db, { tenantId: ctx.tenant.id, id: input.id })),

  create: tenantProcedure("project:create")
    .input(z.object({ name: projectNameSchema }))
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction((tx) => createProject(tx, { tenantId: ctx.tenant.id, actorUserId: ctx.user.id, name: input.name })),
    ),

  rename: tenantProcedure("project:update")
    .input(byId.extend({ name: projectNameSchema }))
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction((tx) =>
        renameProject(tx, { tenantId: ctx.tenant.id, actorUserId: ctx.user.id, id: input.id, name: input.name }),
      ),
    ),

  delete: tenantProcedure("project:delete")
    .input(byId)
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction((tx) => deleteProject(tx, { tenantId: ctx.tenant.id, actorUserId: ctx.user.id, id: input.id })),
    ),
});
