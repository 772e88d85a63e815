import { randomUUID } from "node:crypto";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { Prisma } from "@/generated/prisma/client";
import type { DbTx } from "@/server/db/client";
import { createLocalJobQueue } from "@/server/providers/jobs/local";
import { backoffDelayMs, resolveRetryPolicy } from "./backoff";
import { parseCron, previousFireTime } from "./cron";
import { getJob, listJobs, taskIdFor } from "./registry";
import { PermanentJobError, type JobDefinition } from "./types";

// The local runner: executes jobs from the jobs table when Trigger.dev is not configured. Runs inside
// `npm run dev` (the launcher process) and as `npm run worker`. Any number of runners may share one
// database: a job is claimed with FOR UPDATE SKIP LOCKED and held by a lease; a runner that dies leaves
// the lease to run out, and the next runner takes the job over (a new attempt).

export const DEFAULT_LEASE_MS = 5 * 60_000;
const MAX_ERROR_LENGTH = 2_000;

export interface RunOnceOptions {
  db: DbTx;
  workerId: string;
  /** The runner's clock (tests move it forward); defaults to the real time. */
  now?: Date;
  /** How long a claim holds without a heartbeat; renewed every third of it while the job runs. */
  leaseMs?: number;
  /** Jitter source for the backoff (tests pass a constant). */
  random?: () => number;
  log?: (line: string) => void;
}

export type RunOnceResult = {
  jobId: string;
  name: string;
  attempt: number;
  status: "succeeded" | "retrying" | "failed" | "lost";
  error?: string;
  /** When a retrying job runs next. */
  runAt?: Date;
};

interface ClaimedRow {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
}

const utc = (d: Date) => Prisma.sql`(${d.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;

/**
 * Claims one due job (queued or retrying with run_at <= now, or running with an expired lease: its
 * worker died) and runs it. Returns null when nothing is due. The claim is one short statement (its own
 * transaction); the job runs outside it, so a long job holds no database lock, only its lease.
 */
export async function runOnce(opts: RunOnceOptions): Promise<RunOnceResult | null> {
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  // An injected `now` shifts the runner's whole clock (lease renewals, finish times), not just the claim.
  const skew = opts.now ? opts.now.getTime() - Date.now() : 0;
  const clock = () => new Date(Date.now() + skew);
  const now = clock();

  const [job] = await opts.db.$queryRaw<ClaimedRow[]>`
    WITH next AS (
      SELECT id FROM jobs
      WHERE (status IN ('queued', 'retrying') AND run_at <= ${utc(now)})
         OR (status = 'running' AND lease_expires_at < ${utc(now)})
      ORDER BY run_at, id
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    UPDATE jobs AS j
    SET status = 'running', attempts = j.attempts + 1, locked_by = ${opts.workerId},
        lease_expires_at = ${utc(new Date(now.getTime() + leaseMs))}, started_at = ${utc(now)},
        finished_at = NULL, updated_at = ${utc(now)}
    FROM next
    WHERE j.id = next.id
    RETURNING j.id, j.name, j.payload, j.attempts, j.max_attempts AS "maxAttempts"`;
  if (!job) return null;

  const attempt = job.attempts;
  const held = { id: job.id, lockedBy: opts.workerId, status: "running" as const };
  const finish = async (data: Prisma.JobUpdateManyMutationInput, result: Omit<RunOnceResult, "jobId" | "name" | "attempt">) => {
    // Only while we still hold it: a job whose lease ran out (and was taken over) or that an admin
    // canceled meanwhile keeps its new state.
    const { count } = await opts.db.job.updateMany({
      where: held,
      data: { lockedBy: null, leaseExpiresAt: null, updatedAt: clock(), ...data },
    });
    if (count === 0) {
      opts.log?.(`job ${job.name} ${job.id}: lost the lease before finishing; its result was not recorded`);
      return { jobId: job.id, name: job.name, attempt, status: "lost" as const };
    }
    return { jobId: job.id, name: job.name, attempt, ...result };
  };
  const fail = (error: string) => finish({ status: "failed", lastError: error, finishedAt: clock() }, { status: "failed", error });

  // The runner that held the last attempt died: no attempts left.
  if (attempt > job.maxAttempts) return fail(`The worker running attempt ${job.maxAttempts} stopped before finishing (lease expired).`);
  const def = getJob(job.name);
  if (!def) return fail(`Unknown job "${job.name}": no job of that name is registered in this worker.`);

  let payload: unknown;
  try {
    payload = def.parse(job.payload);
  } catch (error) {
    return fail(`Invalid payload: ${errorMessage(error)}`);
  }

  const heartbeat = setInterval(() => {
    void opts.db.job
      .updateMany({ where: held, data: { leaseExpiresAt: new Date(clock().getTime() + leaseMs) } })
      .catch((error: unknown) => opts.log?.(`job ${job.id}: lease renewal failed: ${errorMessage(error)}`));
  }, Math.max(50, Math.floor(leaseMs / 3)));
  heartbeat.unref();
  try {
    const result = await def.run(payload, { db: opts.db, attempt, jobId: job.id });
    return await finish({ status: "succeeded", result: toJsonResult(result), lastError: null, finishedAt: clock() }, { status: "succeeded" });
  } catch (error) {
    const message = errorMessage(error);
    // The row's max_attempts (set at enqueue from the job's policy) decides: an admin's retry may raise it.
    const permanent = error instanceof PermanentJobError || (error instanceof Error && error.name === "PermanentJobError");
    if (permanent || attempt >= job.maxAttempts) return await fail(message);
    const runAt = new Date(clock().getTime() + backoffDelayMs(attempt, def.retry, opts.random));
    return await finish({ status: "retrying", lastError: message, runAt }, { status: "retrying", error: message, runAt });
  } finally {
    clearInterval(heartbeat);
  }
}

/** The message only: stacks stay in the logs, and an error that carries data in its message is cut short. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? `${error.name && error.name !== "Error" ? `${error.name}: ` : ""}${error.message}` : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

function toJsonResult(result: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull {
  if (result === undefined || result === null) return Prisma.DbNull;
  try {
    return JSON.parse(JSON.stringify(result)) as Prisma.InputJsonValue;
  } catch {
    return { note: "The job's result could not be stored as JSON." };
  }
}

// ---------- cron ----------

export interface ScheduleCronOptions {
  db: DbTx;
  now?: Date;
  /** A missed period (the runner was down) is caught up once if it started less than this ago. Default 1 h. */
  catchUpMs?: number;
  /** Remembers what this runner already enqueued, to skip the database until the next period. */
  seen?: Map<string, string>;
  jobs?: JobDefinition<unknown>[];
}

/**
 * Enqueues each cron job's current period once, with the idempotency key `cron:<name>:<period start>`:
 * any number of runners may tick at the same time, the unique key leaves one job per period. A cron
 * job's payload is `{ scheduledAt: <period start, ISO> }`.
 */
export async function scheduleCronJobs(opts: ScheduleCronOptions): Promise<{ name: string; id: string; created: boolean }[]> {
  const now = opts.now ?? new Date();
  const catchUpMs = opts.catchUpMs ?? 60 * 60_000;
  const queue = createLocalJobQueue({ db: opts.db });
  const out: { name: string; id: string; created: boolean }[] = [];
  for (const def of opts.jobs ?? listJobs()) {
    if (!def.cron) continue;
    const period = previousFireTime(parseCron(def.cron), now);
    if (!period || now.getTime() - period.getTime() > catchUpMs) continue;
    const idempotencyKey = `cron:${def.name}:${period.toISOString()}`;
    if (opts.seen?.get(def.name) === idempotencyKey) continue;
    const payload = { scheduledAt: period.toISOString() };
    def.parse(payload);
    const result = await queue.enqueue({
      name: def.name,
      taskId: taskIdFor(def.name),
      payload,
      idempotencyKey,
      runAt: period,
      maxAttempts: resolveRetryPolicy(def.retry).maxAttempts,
    });
    opts.seen?.set(def.name, idempotencyKey);
    out.push({ name: def.name, id: result.id, created: result.created ?? true });
  }
  return out;
}

// ---------- the loop ----------

export interface RunnerOptions {
  db: DbTx;
  /** Jobs run at the same time by this process. */
  concurrency?: number;
  /** The wait after finding nothing to do. */
  pollMs?: number;
  /** Abort to stop: the loops take no new job and the returned promise resolves once running jobs finish. */
  signal: AbortSignal;
  workerId?: string;
  leaseMs?: number;
  /** Enqueue cron jobs (default true). */
  cron?: boolean;
  log?: (line: string) => void;
}

export function defaultWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Runs jobs until `signal` aborts. Errors (the database restarting) are logged and retried after pollMs. */
export async function startRunner(opts: RunnerOptions): Promise<void> {
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  const pollMs = opts.pollMs ?? 1_000;
  const workerId = opts.workerId ?? defaultWorkerId();
  const log = opts.log ?? ((line: string) => console.log(`[jobs] ${line}`));
  const seen = new Map<string, string>();
  const pause = async () => {
    try {
      await sleep(pollMs, undefined, { signal: opts.signal });
    } catch {
      // aborted: the loop condition ends it
    }
  };

  const loop = async (slot: number) => {
    while (!opts.signal.aborted) {
      try {
        if (slot === 0 && opts.cron !== false) await scheduleCronJobs({ db: opts.db, seen });
        const result = await runOnce({ db: opts.db, workerId: `${workerId}#${slot}`, leaseMs: opts.leaseMs, log });
        if (result && result.status !== "succeeded") {
          log(`${result.name} ${result.jobId} attempt ${result.attempt}: ${result.status}${result.error ? ` (${result.error})` : ""}`);
        }
        if (!result) await pause();
      } catch (error) {
        log(`runner error: ${errorMessage(error)}`);
        await pause();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, slot) => loop(slot)));
}
