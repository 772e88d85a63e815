// The jobs API: define a job next to its use case, enqueue it from anywhere on the server.
export { defineJob, registerJob, getJob, listJobs, taskIdFor, DuplicateJobError } from "./registry";
export { enqueue, UnknownJobError, type EnqueueJobOptions, type EnqueueResult } from "./enqueue";
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
