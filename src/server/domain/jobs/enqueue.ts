import { jobQueue, type EnqueueResult, type JobQueue } from "@/server/providers/jobs";
import { resolveRetryPolicy } from "./backoff";
import { taskIdFor } from "./define-job";
import type { EnqueueOptions, JobDefinition } from "./types";

export type { EnqueueResult } from "@/server/providers/jobs";

export interface EnqueueJobOptions extends EnqueueOptions {
  /** Tests: another queue than the one the environment selects. */
  queue?: JobQueue;
}

/**
 * Asks for `job` to run with `payload`, later and at least once: on Trigger.dev when TRIGGER_SECRET_KEY
 * is set, otherwise as a row in the jobs table for the local runner. The payload is validated here (a
 * bad one throws now instead of becoming a failed job), and the same idempotencyKey twice gives one job.
 * Pass `{ db: tx }` to enqueue atomically with your own writes (local runner only). The runners run the
 * jobs listed in src/server/jobs.ts; a job missing there fails tests/integration/jobs-list.test.ts.
 */
export async function enqueue<P>(job: JobDefinition<P>, payload: NoInfer<P>, options: EnqueueJobOptions = {}): Promise<EnqueueResult> {
  job.parse(payload);
  const delayMs = Math.max(0, options.delayMs ?? 0);
  return (options.queue ?? jobQueue).enqueue({
    name: job.name,
    taskId: taskIdFor(job.name),
    payload,
    idempotencyKey: options.idempotencyKey,
    runAt: new Date(Date.now() + delayMs),
    delayMs,
    maxAttempts: resolveRetryPolicy(job.retry).maxAttempts,
    db: options.db,
  });
}
