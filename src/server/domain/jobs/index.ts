// The jobs API: define a job next to its use case, list it in src/server/jobs.ts, enqueue it from
// anywhere on the server.
export { defineJob, jobsByName, taskIdFor, DuplicateJobError } from "./define-job";
export { enqueue, type EnqueueJobOptions, type EnqueueResult } from "./enqueue";
export { backoffDelayMs, resolveRetryPolicy, DEFAULT_RETRY_POLICY } from "./backoff";
export { PermanentJobError, type JobContext, type JobDefinition, type RetryPolicy, type EnqueueOptions } from "./types";
export {
  runOnce,
  startRunner,
  scheduleCronJobs,
  releaseJobsOfStoppedWorkers,
  DEFAULT_LEASE_MS,
  type RunOnceOptions,
  type RunOnceResult,
  type RunnerOptions,
} from "./local-runner";
export { defaultWorkerId } from "./worker-id";
export { parseCron, previousFireTime, nextFireTime, CronParseError } from "./cron";
