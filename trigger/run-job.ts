import { AbortTaskRunError } from "@trigger.dev/sdk";
import { prisma, type DbTx } from "@/server/db/client";
import { resolveRetryPolicy } from "@/server/domain/jobs";
import { PermanentJobError, type JobDefinition } from "@/server/domain/jobs/types";

// What every Trigger.dev task in this folder does, as a plain function (a task object has no `run` to
// call in a test): parse the payload, run the same function the local runner runs.
// Errors Trigger.dev must not retry become AbortTaskRunError; every other error is retried by the
// task's retry policy (jobTaskRetry).

export interface JobTaskContext {
  /** ctx.attempt.number */
  attempt: number;
  /** ctx.run.id: the job id the function sees. */
  runId: string;
  db?: DbTx;
}

export async function runJobTask(def: JobDefinition, payload: unknown, ctx: JobTaskContext): Promise<unknown> {
  let parsed: unknown;
  try {
    parsed = def.parse(payload);
  } catch (error) {
    throw new AbortTaskRunError(`Invalid payload: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return await def.run(parsed, { db: ctx.db ?? prisma, attempt: ctx.attempt, jobId: ctx.runId });
  } catch (error) {
    if (error instanceof PermanentJobError) throw new AbortTaskRunError(`${error.name}: ${error.message}`);
    throw error;
  }
}

/** The job's RetryPolicy in Trigger.dev's terms (exponential, factor 2, randomized). */
export function jobTaskRetry(def: JobDefinition) {
  const policy = resolveRetryPolicy(def.retry);
  return {
    maxAttempts: policy.maxAttempts,
    factor: 2,
    minTimeoutInMs: policy.baseDelayMs,
    maxTimeoutInMs: policy.maxDelayMs,
    randomize: policy.jitter !== "none",
  };
}
