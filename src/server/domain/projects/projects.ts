import type { Db, DbTx } from "@/server/db/client";
import { transactional, type Tx } from "@/server/db/transaction";
import { recordAudit } from "@/server/domain/audit/record-audit";
import { notFound } from "@/server/domain/errors";
import { invalidateEntitlements } from "@/server/domain/usage/entitlements";
import { recordUsage, recordUsageBatch, type UsageActor, type UsageWarning } from "@/server/domain/usage/record-usage";
import { assertNotRefused } from "@/server/domain/usage/usage-errors";
import { withUsageLocks } from "@/server/domain/usage/usage-locks";
import { entityIdSchema } from "@/server/domain/validation";

export { projectIdSchema, projectNameSchema } from "./inputs";

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
  if (!project) throw notFound("project");
  return project;
}

export interface CreateProjectInput {
  tenantId: string;
  actor: UsageActor & { userId: string };
  name: string;
  now: Date;
}

/**
 * Creates a project within the plan's project limit (a gauge of live projects), in one transaction under
 * the tenant's "projects" usage lock: the project's usage event (idempotency key = project id) is
 * recorded after the insert, and a refusal (LIMIT_REACHED, with the upgrade path) rolls the insert back,
 * so concurrent creates can never pass the limit together. A soft limit returns `usageWarning`.
 */
export async function createProject(db: Db | Tx, input: CreateProjectInput) {
  return withUsageLocks(db, { tenantId: input.tenantId, metrics: ["projects"] }, (tx) => createLockedProject(tx, input));
}

async function createLockedProject(db: Tx, input: CreateProjectInput) {
  const project = await db.project.create({
    data: { tenantId: input.tenantId, name: input.name, createdById: input.actor.userId },
    select: projectSelect,
  });
  await recordAudit(db, {
    tenantId: input.tenantId,
    actorUserId: input.actor.userId,
    action: "project.created",
    targetType: "project",
    targetId: project.id,
  });
  const usage = assertNotRefused(
    await recordUsage(db, {
      tenantId: input.tenantId,
      metric: "projects",
      units: 1,
      idempotencyKey: project.id,
      projectId: project.id,
      actor: input.actor,
      now: input.now,
    }),
  );
  const usageWarning: UsageWarning | null = usage.status === "counted" ? usage.warning : null;
  return { ...project, usageWarning };
}

export const analysisRequestIdSchema = entityIdSchema;
/** What one analysis of a project costs (the example metered action's fixed price). */
export const ANALYSIS_API_CALLS = 1;
export const ANALYSIS_AI_CREDITS = 2;

/**
 * The example metered action: analysing a project is ANALYSIS_API_CALLS API call and ANALYSIS_AI_CREDITS AI credits,
 * attributed to the actor (a guest's usage is the guest's). `requestId` names the request: a retry with
 * the same id counts nothing again and reports `duplicate`. Either both are counted or, on a refusal
 * (LIMIT_REACHED: the API call limit, or AI credits beyond the allowance without purchased credits),
 * neither: both in one transaction.
 */
export async function runProjectAnalysis(
  db: Db | Tx,
  input: { tenantId: string; actor: UsageActor; id: string; requestId: string; now: Date },
) {
  await getProjectOrThrow(db, { tenantId: input.tenantId, id: input.id });
  const key = (metric: string) => `project-analysis:${input.id}:${input.requestId}:${metric}`;
  const events = [
    { metric: "api_calls", units: ANALYSIS_API_CALLS, idempotencyKey: key("api_calls"), projectId: input.id },
    { metric: "ai_credits", units: ANALYSIS_AI_CREDITS, idempotencyKey: key("ai_credits"), projectId: input.id },
  ] as const;
  // A refusal throws inside the transaction, so the other event is rolled back with it.
  const outcomes = await withUsageLocks(db, { tenantId: input.tenantId, metrics: events.map((e) => e.metric) }, async (tx) =>
    (await recordUsageBatch(tx, { tenantId: input.tenantId, actor: input.actor, now: input.now, events })).map(assertNotRefused),
  );
  const counted = outcomes.flatMap((o) => (o.status === "counted" ? [o] : []));
  return {
    projectId: input.id,
    requestId: input.requestId,
    duplicate: counted.length === 0,
    apiCalls: ANALYSIS_API_CALLS,
    aiCredits: ANALYSIS_AI_CREDITS,
    /** Purchased credits this run drew on (beyond the plan's monthly allowance). */
    purchasedCreditsUsed: counted.reduce((sum, o) => sum + o.creditsUsed, 0),
    warnings: counted.flatMap((o) => (o.warning ? [o.warning] : [])),
  };
}

export const renameProject = transactional(async (db, input: { tenantId: string; actorUserId: string; id: string; name: string }) => {
  const before = await getProjectOrThrow(db, input);
  // Deleted meanwhile: Prisma's P2025, NOT_FOUND through the tRPC error middleware's fallback.
  const project = await db.project.update({
    where: { id: input.id, tenantId: input.tenantId, deletedAt: null },
    data: { name: input.name },
    select: projectSelect,
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
});

/** Soft delete: the row stays (restorable, auditable) and disappears from every list. */
export const deleteProject = transactional(async (db, input: { tenantId: string; actorUserId: string; id: string; now?: Date }) => {
  const { count } = await db.project.updateMany({
    where: { id: input.id, tenantId: input.tenantId, deletedAt: null },
    data: { deletedAt: input.now ?? new Date() },
  });
  if (count === 0) throw notFound("project");
  invalidateEntitlements(input.tenantId, ["projects"]);
  await recordAudit(db, {
    tenantId: input.tenantId,
    actorUserId: input.actorUserId,
    action: "project.deleted",
    targetType: "project",
    targetId: input.id,
  });
  return { id: input.id };
});
