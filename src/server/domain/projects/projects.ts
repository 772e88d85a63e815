import { z } from "zod";
import type { DbTx } from "@/server/db/client";
import { recordAudit } from "@/server/domain/audit/record-audit";
import { mapPrismaError, notFound } from "@/server/domain/errors";
import { plainText } from "@/server/domain/validation";

export const projectNameSchema = plainText({
  min: 1,
  max: 80,
  tooShort: "Enter a project name",
  tooLong: "Project names are at most 80 characters",
});
export const projectIdSchema = z.string().uuid("Not a project id");

const projectSelect = { id: true, name: true, createdAt: true, updatedAt: true } as const;

// Every function takes the tenant explicitly and puts it in the where: what another tenant owns is
// simply not found. (Tenant procedures also pass a tenant-scoped client; the two guard each other.)

export function listProjects(db: DbTx, input: { tenantId: string }) {
  return db.project.findMany({
    where: { tenantId: input.tenantId, deletedAt: null },
    orderBy: { createdAt: "desc" },
    select: projectSelect,
  });
}

export async function getProjectOrThrow(db: DbTx, input: { tenantId: string; id: string }) {
  const project = await db.project.findFirst({
    where: { id: input.id, tenantId: input.tenantId, deletedAt: null },
    select: projectSelect,
  });
  if (!project) throw notFound("Project");
  return project;
}

export async function createProject(db: DbTx, input: { tenantId: string; actorUserId: string; name: string }) {
  const project = await db.project.create({
    data: { tenantId: input.tenantId, name: input.name, createdById: input.actorUserId },
    select: projectSelect,
  });
  await recordAudit(db, {
    tenantId: input.tenantId,
    actorUserId: input.actorUserId,
    action: "project.created",
    targetType: "project",
    targetId: project.id,
  });
  return project;
}

export async function renameProject(db: DbTx, input: { tenantId: string; actorUserId: string; id: string; name: string }) {
  const before = await getProjectOrThrow(db, input);
  const project = await db.project
    .update({ where: { id: input.id, tenantId: input.tenantId, deletedAt: null }, data: { name: input.name }, select: projectSelect })
    .catch((e: unknown) => {
      throw mapPrismaError(e, "Project");
    });
  await recordAudit(db, {
    tenantId: input.tenantId,
    actorUserId: input.actorUserId,
    action: "project.renamed",
    targetType: "project",
    targetId: project.id,
    metadata: { from: before.name, to: project.name },
  });
  return project;
}

/** Soft delete: the row stays (restorable, auditable) and disappears from every list. */
export async function deleteProject(db: DbTx, input: { tenantId: string; actorUserId: string; id: string; now?: Date }) {
  const { count } = await db.project.updateMany({
    where: { id: input.id, tenantId: input.tenantId, deletedAt: null },
    data: { deletedAt: input.now ?? new Date() },
  });
  if (count === 0) throw notFound("Project");
  await recordAudit(db, {
    tenantId: input.tenantId,
    actorUserId: input.actorUserId,
    action: "project.deleted",
    targetType: "project",
    targetId: input.id,
  });
  return { id: input.id };
}
