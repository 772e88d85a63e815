import { jobQueue, type EnqueueResult, type JobQueue } from "@/server/providers/jobs";
import { resolveRetryPolicy } from "./backoff";
import { getJob, registerJob, taskIdFor } from "./registry";
import type { EnqueueOptions, JobDefinition } from "./types";

export type { EnqueueResult } from "@/server/providers/jobs";

export interface EnqueueJobOptions extends EnqueueOptions {
  /** Tests: another queue than the one the environment selects. */
  queue?: JobQueue;
}

export class UnknownJobError extends Error {
  override name = "UnknownJobError";
}

/**
 * Asks for `job` to run with `payload`, later and at least once: on Trigger.dev when TRIGGER_SECRET_KEY
 * is set, otherwise as a row in the jobs table for the local runner. The payload is validated here (a
 * bad one throws now instead of becoming a failed job), and the same idempotencyKey twice gives one job.
 * Pass `{ db: tx }` to enqueue atomically with your own writes (local runner only).
 *
 * `job` is the definition (preferred: importing it also registers it in this process) or its name.
 */
export function enqueue<P>(job: JobDefinition<P>, payload: NoInfer<P>, options?: EnqueueJobOptions): Promise<EnqueueResult>;
export function enqueue(job: string, payload: unknown, options?: EnqueueJobOptions): Promise<EnqueueResult>;
export async function enqueue(
  job: JobDefinition<unknown> | string,
  payload: unknown,
  options: EnqueueJobOptions = {},
): Promise<EnqueueResult> {
  const def = typeof job === "string" ? getJob(job) : getJob(job.name) ? job : registerJob(job);
  if (!def) throw new UnknownJobError(`No job named "${String(job)}" is registered (import its module first).`);
  def.parse(payload);
  const delayMs = Math.max(0, options.delayMs ?? 0);
  return (options.queue ?? jobQueue).enqueue({
    name: def.name,
    taskId: taskIdFor(def.name),
    payload,
    idempotencyKey: options.idempotencyKey,
    runAt: new Date(Date.now() + delayMs),
    delayMs,
    maxAttempts: resolveRetryPolicy(def.retry).maxAttempts,
    db: options.db,
  });
}
