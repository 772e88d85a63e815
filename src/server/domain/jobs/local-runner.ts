import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { Prisma } from "@/generated/prisma/client";
import type { DbTx } from "@/server/db/client";
import { createLocalJobQueue } from "@/server/providers/jobs";
import { backoffDelayMs, resolveRetryPolicy } from "./backoff";
import { parseCron, previousFireTime } from "./cron";
import { jobsByName, taskIdFor } from "./define-job";
import { PermanentJobError, type JobDefinition } from "./types";
import { defaultWorkerId, isStoppedWorkerOfThisHost } from "./worker-id";
import { HOUR_MS } from "@/lib/time";

// The local runner: executes jobs from the jobs table when Trigger.dev is not configured. Runs inside
// `npm run dev` (the launcher process) and as `npm run worker`. Any number of runners may share one
// database: a job is claimed with FOR UPDATE SKIP LOCKED and held by a lease that a heartbeat renews;
// a runner that dies leaves the lease to run out, and the next runner takes the job over (a new attempt).
// A runner restarted on the same host does not wait for that: it releases its predecessor's jobs at start.

/**
 * Short, so a dead runner's job resumes within a minute (lease plus a poll); renewed every third of it,
 * so one missed beat (a slow database) does not lose it. A job that blocks the event loop this long
 * (synchronous work) cannot renew and may be taken over: keep such work asynchronous or chunked.
 */
export const DEFAULT_LEASE_MS = 30_000;
/** The first and the longest wait between attempts to record a finished job's result (database unreachable). */
const RECORD_RETRY_FIRST_MS = 250;
const RECORD_RETRY_MAX_MS = 2_000;
const MAX_ERROR_LENGTH = 2_000;

export interface RunOnceOptions {
  db: DbTx;
  /** The jobs this runner knows (the app's: `jobs` from src/server/jobs.ts); a row naming another one fails. */
  jobs: readonly JobDefinition[];
  workerId: string;
  /** The runner's clock (tests move it forward); defaults to the real time. */
  now?: Date;
  /** How long a claim holds without a heartbeat; renewed every third of it until the result is recorded. */
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
const heartbeatIntervalMs = (leaseMs: number) => Math.max(50, Math.floor(leaseMs / 3));

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
  const outcome = { jobId: job.id, name: job.name, attempt };
  // The lease as far as we know it holds: set by the claim, moved on by each renewal that succeeded.
  let leaseEndsAt = now.getTime() + leaseMs;
  let renewing = false;
  const heartbeat = setInterval(() => {
    if (renewing) return; // the last renewal still waits on the database
    renewing = true;
    const until = clock().getTime() + leaseMs;
    opts.db.job
      .updateMany({ where: held, data: { leaseExpiresAt: new Date(until) } })
      .then(({ count }) => {
        if (count > 0) leaseEndsAt = until;
      })
      .catch((error: unknown) => opts.log?.(`job ${job.id}: lease renewal failed: ${errorMessage(error)}`))
      .finally(() => (renewing = false));
  }, heartbeatIntervalMs(leaseMs));
  heartbeat.unref();

  // Until when a result that could not be recorded is retried: the lease held when recording first
  // failed. Fixed then, because the heartbeat goes on renewing the lease: an error that retrying cannot
  // fix (the database refuses the row) must not hold the job for ever.
  let recordDeadline: number | undefined;
  const finish = async (data: Prisma.JobUpdateManyMutationInput, result: Omit<RunOnceResult, "jobId" | "name" | "attempt">): Promise<RunOnceResult> => {
    for (let wait = RECORD_RETRY_FIRST_MS; ; wait = Math.min(2 * wait, RECORD_RETRY_MAX_MS)) {
      try {
        // Only while we still hold it: a job whose lease ran out (and was taken over) or that an admin
        // canceled meanwhile keeps its new state.
        const { count } = await opts.db.job.updateMany({
          where: held,
          data: { lockedBy: null, leaseExpiresAt: null, updatedAt: clock(), ...data },
        });
        if (count > 0) return { ...outcome, ...result };
        opts.log?.(`job ${job.name} ${job.id}: lost the lease before finishing; its result was not recorded`);
        return { ...outcome, status: "lost" };
      } catch (error) {
        // The database is unreachable (restarting, a network blip): the job is done, only its record is
        // missing. Retrying while the lease holds (the heartbeat keeps it in the database) records it as
        // soon as the database is back; after that another runner may take the job, which then runs
        // again as after a crash.
        recordDeadline ??= leaseEndsAt;
        const leaseLeftMs = recordDeadline - clock().getTime();
        if (leaseLeftMs <= 0) {
          opts.log?.(`job ${job.name} ${job.id}: its lease ran out before its result could be recorded (${errorMessage(error)}); it will run again`);
          return { ...outcome, status: "lost" };
        }
        opts.log?.(`job ${job.name} ${job.id}: recording its result failed (${errorMessage(error)}); retrying`);
        await sleep(Math.min(wait, leaseLeftMs));
      }
    }
  };
  const fail = (error: string) => finish({ status: "failed", lastError: error, finishedAt: clock() }, { status: "failed", error });

  try {
    // The runner that held the last attempt died: no attempts left.
    if (attempt > job.maxAttempts) return await fail(`The worker running attempt ${job.maxAttempts} stopped before finishing (lease expired, or released when its worker restarted).`);
    const def = opts.jobs.find((j) => j.name === job.name);
    if (!def) return await fail(`Unknown job "${job.name}": not in this worker's list of jobs (src/server/jobs.ts).`);

    let payload: unknown;
    try {
      payload = def.parse(job.payload);
    } catch (error) {
      return await fail(`Invalid payload: ${errorMessage(error)}`);
    }

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
    }
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
  /** The jobs whose `cron` to schedule (the app's: `jobs` from src/server/jobs.ts). */
  jobs: readonly JobDefinition[];
}

/**
 * Enqueues each cron job's current period once, with the idempotency key `cron:<name>:<period start>`:
 * any number of runners may tick at the same time, the unique key leaves one job per period. A cron
 * job's payload is `{ scheduledAt: <period start, ISO> }`.
 */
export async function scheduleCronJobs(opts: ScheduleCronOptions): Promise<{ name: string; id: string; created: boolean }[]> {
  const now = opts.now ?? new Date();
  const catchUpMs = opts.catchUpMs ?? HOUR_MS;
  const queue = createLocalJobQueue({ db: opts.db });
  const out: { name: string; id: string; created: boolean }[] = [];
  for (const def of opts.jobs) {
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
  /** The jobs to run and schedule: the app's, `jobs` from src/server/jobs.ts. */
  jobs: readonly JobDefinition[];
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

/**
 * Makes the running jobs of stopped processes on this host (a worker that was killed, then restarted)
 * claimable now instead of when their lease runs out; the next claim counts a new attempt, as after a
 * lease that ran out. A runner calls it at start. Returns the released jobs.
 */
export async function releaseJobsOfStoppedWorkers(opts: { db: DbTx; now?: Date }): Promise<{ id: string; name: string; lockedBy: string | null }[]> {
  const now = opts.now ?? new Date();
  // A prefilter only (Prisma leaves LIKE's "_" unescaped): isStoppedWorkerOfThisHost decides.
  const running = await opts.db.job.findMany({
    where: { status: "running", leaseExpiresAt: { gt: now }, lockedBy: { startsWith: `${os.hostname()}:` } },
    select: { lockedBy: true },
    distinct: ["lockedBy"],
  });
  const stopped = running.flatMap((j) => (j.lockedBy && isStoppedWorkerOfThisHost(j.lockedBy) ? [j.lockedBy] : []));
  if (stopped.length === 0) return [];
  // The holder in the where: a job another runner claimed meanwhile keeps its lease.
  return opts.db.job.updateManyAndReturn({
    where: { status: "running", leaseExpiresAt: { gt: now }, lockedBy: { in: stopped } },
    data: { leaseExpiresAt: now },
    select: { id: true, name: true, lockedBy: true },
  });
}

/** Runs jobs until `signal` aborts. Errors (the database restarting) are logged and retried after pollMs. */
export async function startRunner(opts: RunnerOptions): Promise<void> {
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  const pollMs = opts.pollMs ?? 1_000;
  const workerId = opts.workerId ?? defaultWorkerId();
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const log = opts.log ?? ((line: string) => console.log(`[jobs] ${line}`));
  const seen = new Map<string, string>();
  jobsByName(opts.jobs); // two jobs with one name: refuse to start rather than run the wrong one
  const pause = async () => {
    try {
      await sleep(pollMs, undefined, { signal: opts.signal });
    } catch {
      // aborted: the loop condition ends it
    }
  };

  try {
    const released = await releaseJobsOfStoppedWorkers({ db: opts.db });
    if (released.length > 0) {
      log(`released ${released.length} job(s) of stopped workers on this host: ${released.map((j) => `${j.name} ${j.id} (${j.lockedBy})`).join(", ")}`);
    }
  } catch (error) {
    log(`could not release the jobs of stopped workers (${errorMessage(error)}); they resume when their lease runs out`);
  }
  log(`taking jobs as ${workerId} (lease ${leaseMs / 1000} s, renewed every ${heartbeatIntervalMs(leaseMs) / 1000} s)`);

  const loop = async (slot: number) => {
    while (!opts.signal.aborted) {
      try {
        if (slot === 0 && opts.cron !== false) await scheduleCronJobs({ db: opts.db, jobs: opts.jobs, seen });
        const result = await runOnce({ db: opts.db, jobs: opts.jobs, workerId: `${workerId}#${slot}`, leaseMs, log });
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
