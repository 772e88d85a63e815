// Job visibility for platform staff (issue 4, item 2): list, inspect, retry and cancel rows of the
// local runner's jobs table, and the numbers /api/health reports. Read and written here only through
// conditional updates, so an admin action can never race the runner into an impossible state: the
// runner claims only queued/retrying rows whose run_at has come, and a retried row is simply queued.
import { z } from "zod";
import type { JobStatus, Prisma } from "@/generated/prisma/client";
import type { DbTx } from "@/server/db/client";
import { transactional } from "@/server/db/transaction";
import { recordAudit } from "@/server/domain/audit/record-audit";
import { AppError, notFound } from "@/server/domain/errors";
import { entityIdSchema } from "@/server/domain/validation";

export const JOB_STATUSES = ["queued", "running", "retrying", "succeeded", "failed", "canceled"] as const satisfies readonly JobStatus[];
export const JOBS_PAGE_MAX = 100;
export const JOBS_PAGE_DEFAULT = 50;
/** The list shows the start of an error; getJob returns all of it. */
export const LAST_ERROR_PREVIEW = 300;

/** Statuses an admin may send back to the queue, and statuses an admin may cancel. */
export const RETRYABLE: readonly JobStatus[] = ["failed", "canceled"];
export const CANCELABLE: readonly JobStatus[] = ["queued", "retrying"];

export const canRetry = (status: JobStatus) => RETRYABLE.includes(status);
export const canCancel = (status: JobStatus) => CANCELABLE.includes(status);

// ---------- schemas (admin.jobs.* in src/server/api/routers/admin.ts) ----------

const jobStatusSchema = z.enum(JOB_STATUSES);
const filterText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((s) => !/[\u0000-\u001F\u007F]/.test(s), "Remove control characters from this text")
    .transform((s) => (s === "" ? undefined : s));

export const listJobsInputSchema = z.object({
  status: jobStatusSchema.optional(),
  /** Job name prefix: "notifications." finds every notification job. */
  name: filterText(120).optional(),
  /** Case-insensitive text in the name or the last error. */
  search: filterText(200).optional(),
  cursor: entityIdSchema.nullish(),
  limit: z.number().int().min(1).max(JOBS_PAGE_MAX).optional(),
});
export type ListJobsInput = z.input<typeof listJobsInputSchema>;

export const jobIdInputSchema = z.object({ id: entityIdSchema });

const jobSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  status: jobStatusSchema,
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  runAt: z.date(),
  createdAt: z.date(),
  updatedAt: z.date(),
  lastError: z.string().nullable(),
  lastErrorTruncated: z.boolean(),
});

export const listJobsOutputSchema = z.object({ items: z.array(jobSummarySchema), nextCursor: z.string().nullable() });

export const jobDetailOutputSchema = jobSummarySchema.extend({
  payload: z.unknown(),
  result: z.unknown(),
  idempotencyKey: z.string().nullable(),
  lockedBy: z.string().nullable(),
  leaseExpiresAt: z.date().nullable(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  history: z.array(
    z.object({
      id: z.string(),
      action: z.string(),
      actorName: z.string().nullable(),
      actorEmail: z.string().nullable(),
      createdAt: z.date(),
    }),
  ),
});

export const jobActionOutputSchema = z.object({ id: z.string(), status: jobStatusSchema });

export const jobStatsOutputSchema = z.object({
  counts: z.record(jobStatusSchema, z.number().int()),
  /** Seconds since the oldest due queued job became due; 0 when none is waiting. */
  oldestQueuedAgeSeconds: z.number().int(),
});

// ---------- reads ----------

const summarySelect = {
  id: true,
  name: true,
  status: true,
  attempts: true,
  maxAttempts: true,
  runAt: true,
  createdAt: true,
  updatedAt: true,
  lastError: true,
} satisfies Prisma.JobSelect;

function preview<T extends { lastError: string | null }>(job: T) {
  const long = (job.lastError?.length ?? 0) > LAST_ERROR_PREVIEW;
  return { ...job, lastError: long ? `${job.lastError!.slice(0, LAST_ERROR_PREVIEW)}…` : job.lastError, lastErrorTruncated: long };
}

/** Prisma hands `contains`/`startsWith` to LIKE unescaped: without this, "%" would match every job. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Jobs newest first, filtered by status, name prefix and text (name or last error). Keyset-paginated
 * on (created_at, id) so a page stays stable while jobs are enqueued; at most JOBS_PAGE_MAX a page.
 */
export async function listJobs(db: DbTx, input: ListJobsInput = {}) {
  const { status, name, search, cursor, limit: rawLimit } = listJobsInputSchema.parse(input);
  const limit = Math.min(Math.max(1, rawLimit ?? JOBS_PAGE_DEFAULT), JOBS_PAGE_MAX);
  const after = cursor ? await db.job.findUnique({ where: { id: cursor }, select: { id: true, createdAt: true } }) : null;
  // An unknown cursor (a purged job, a tampered URL) gives an empty page, never the first page again.
  if (cursor && !after) return { items: [], nextCursor: null };

  const and: Prisma.JobWhereInput[] = [];
  if (status) and.push({ status });
  if (name) and.push({ name: { startsWith: likeLiteral(name) } });
  if (search) {
    const text = likeLiteral(search);
    and.push({ OR: [{ name: { contains: text, mode: "insensitive" } }, { lastError: { contains: text, mode: "insensitive" } }] });
  }
  if (after) and.push({ OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] });

  const rows = await db.job.findMany({
    where: { AND: and },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: summarySelect,
  });
  const page = rows.slice(0, limit);
  return { items: page.map(preview), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

/** One job with its payload, result, full last error and the admin actions taken on it. */
export async function getJob(db: DbTx, input: { id: string }) {
  const job = await db.job.findUnique({ where: { id: input.id } });
  if (!job) throw notFound("job");
  const audit = await db.auditLog.findMany({
    where: { targetType: "job", targetId: job.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 50,
    select: { id: true, action: true, actorUserId: true, createdAt: true },
  });
  const actorIds = [...new Set(audit.flatMap((a) => (a.actorUserId ? [a.actorUserId] : [])))];
  const actors = actorIds.length
    ? await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true, email: true } })
    : [];
  return {
    ...job,
    lastErrorTruncated: false,
    payload: job.payload ?? {},
    result: job.result ?? null,
    history: audit.map((a) => {
      const actor = actors.find((u) => u.id === a.actorUserId);
      return { id: a.id, action: a.action, actorName: actor?.name ?? null, actorEmail: actor?.email ?? null, createdAt: a.createdAt };
    }),
  };
}

/** Counts per status and how long the oldest due queued job has waited: the numbers for /api/health. */
export async function jobStats(db: DbTx, opts: { now?: Date } = {}) {
  const now = opts.now ?? new Date();
  const [groups, oldest] = await Promise.all([
    db.job.groupBy({ by: ["status"], _count: { _all: true } }),
    db.job.aggregate({ where: { status: "queued", runAt: { lte: now } }, _min: { runAt: true } }),
  ]);
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  for (const g of groups) counts[g.status] = g._count._all;
  const since = oldest._min.runAt;
  return { counts, oldestQueuedAgeSeconds: since ? Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000)) : 0 };
}

// ---------- actions (call inside a transaction: the change and its audit row land together) ----------

export interface JobActionInput {
  id: string;
  /** The platform user acting; recorded in the audit log. */
  actorUserId: string;
  now?: Date;
}

/** NOT_FOUND for a missing job, else CONFLICT naming the status that forbids `verb`. */
async function refuse(db: DbTx, id: string, verb: "retried" | "canceled", allowed: readonly JobStatus[]): Promise<never> {
  const job = await db.job.findUnique({ where: { id }, select: { status: true } });
  if (!job) throw notFound("job");
  throw new AppError("CONFLICT", `A ${job.status} job cannot be ${verb} (only ${allowed.join(" or ")} jobs can)`, {
    key: "jobs.cannotAct",
    params: { status: job.status, action: verb },
  });
}

/**
 * A failed or canceled job goes back to the queue, due now. Attempts and the last error are kept
 * (the error stays visible until the next run replaces it); max_attempts grows to attempts + 1 when
 * it was used up, so the runner grants the retried job at least one more run.
 */
export const retryJob = transactional(async (db, input: JobActionInput) => {
  const now = input.now ?? new Date();
  const current = await db.job.findUnique({ where: { id: input.id }, select: { status: true, attempts: true, maxAttempts: true, name: true } });
  if (!current) throw notFound("job");
  if (!canRetry(current.status)) return refuse(db, input.id, "retried", RETRYABLE);
  const { count } = await db.job.updateMany({
    // The status in the where makes this a compare-and-set: if the runner or another admin changed
    // the job since we read it, nothing is written and the caller gets the CONFLICT.
    where: { id: input.id, status: current.status },
    data: {
      status: "queued",
      runAt: now,
      maxAttempts: Math.max(current.maxAttempts, current.attempts + 1),
      lockedBy: null,
      leaseExpiresAt: null,
      finishedAt: null,
    },
  });
  if (count === 0) return refuse(db, input.id, "retried", RETRYABLE);
  await recordAudit(db, {
    actorUserId: input.actorUserId,
    action: "job.retried",
    targetType: "job",
    targetId: input.id,
    metadata: { name: current.name, fromStatus: current.status, attempts: current.attempts },
  });
  return { id: input.id, status: "queued" as const };
});

/** A queued or retrying job will not run. A running job cannot be stopped from here: CONFLICT. */
export const cancelJob = transactional(async (db, input: JobActionInput) => {
  const now = input.now ?? new Date();
  const current = await db.job.findUnique({ where: { id: input.id }, select: { status: true, name: true, attempts: true } });
  if (!current) throw notFound("job");
  if (!canCancel(current.status)) return refuse(db, input.id, "canceled", CANCELABLE);
  const { count } = await db.job.updateMany({
    where: { id: input.id, status: current.status },
    data: { status: "canceled", finishedAt: now, lockedBy: null, leaseExpiresAt: null },
  });
  if (count === 0) return refuse(db, input.id, "canceled", CANCELABLE);
  await recordAudit(db, {
    actorUserId: input.actorUserId,
    action: "job.canceled",
    targetType: "job",
    targetId: input.id,
    metadata: { name: current.name, fromStatus: current.status, attempts: current.attempts },
  });
  return { id: input.id, status: "canceled" as const };
});
