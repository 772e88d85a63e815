import type { DbTx } from "@/server/db/client";

// The contract between code that needs work done later and the runners that do it. A job is a
// plain, idempotent async function with a name (defineJob, ./define-job.ts); the local runner
// (Postgres jobs table) and the Trigger.dev tasks in trigger/ both run the ones in src/server/jobs.ts.

export interface JobContext {
  db: DbTx;
  /** 1 on the first run; a retry after a crash or an error gets the next number. */
  attempt: number;
  jobId: string;
}

export interface RetryPolicy {
  maxAttempts: number;
  /** Backoff before attempt n+1: min(maxDelayMs, baseDelayMs * 2^(n-1)), with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * "equal" (default): half the exponential delay plus a random half, so delays still grow;
   * "full": anywhere between 0 and the exponential delay (spreads a thundering herd best); "none".
   */
  jitter?: "full" | "equal" | "none";
}

// Methods, not function-typed properties: a JobDefinition<{ id: string }> then fits a list of
// JobDefinition (payload unknown). Runners only call run with what the same job's parse returned.
export interface JobDefinition<P = unknown> {
  name: string;
  /** Parses and validates the payload (zod); a payload that fails is a permanent failure, not a retry. */
  parse(payload: unknown): P;
  run(payload: P, ctx: JobContext): Promise<unknown>;
  retry?: Partial<RetryPolicy>;
  /**
   * Cron expression (5 fields, UTC) for scheduled jobs; the runner enqueues one per period (Trigger.dev:
   * a schedules.task). The payload of a scheduled run is `{ scheduledAt: <period start, ISO string> }`.
   */
  cron?: string;
}

export interface EnqueueOptions {
  /** The same key twice runs the job once (the local runner's unique index; Trigger.dev's idempotencyKey). */
  idempotencyKey?: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /**
   * The client or transaction to write the jobs row with: pass your `tx` to enqueue atomically with
   * your own writes (the job exists only if they commit). Ignored on Trigger.dev, which is outside the
   * database: there the call happens at once, so enqueue after the commit or from an outbox.
   */
  db?: DbTx;
}

/** An error that retrying cannot fix (bad payload, a 4xx from a provider): the job fails at once. */
export class PermanentJobError extends Error {
  override name = "PermanentJobError";
}
