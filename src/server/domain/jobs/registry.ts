import { parseCron } from "./cron";
import type { JobDefinition } from "./types";

// Name -> definition, filled when a job module is imported. A process that runs jobs (the worker,
// the dev launcher, the Trigger.dev tasks) imports every job module through trigger/jobs.ts.

const jobs = new Map<string, JobDefinition<unknown>>();

/** Job names double as Trigger.dev task ids: keep them short, lowercase, stable ("notifications.send-email"). */
const JOB_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

export class DuplicateJobError extends Error {
  override name = "DuplicateJobError";
}

/**
 * Registers a job. A second, different definition with the same name throws (two modules claiming one
 * name would run the wrong function); registering the same object again is a no-op. In development a
 * re-evaluated module (hot reload) replaces its earlier definition instead.
 */
export function registerJob<P>(def: JobDefinition<P>): JobDefinition<P> {
  if (!JOB_NAME.test(def.name)) {
    throw new Error(`Invalid job name "${def.name}": use lowercase letters, digits, ".", "_" and "-" (max 100).`);
  }
  if (def.cron) parseCron(def.cron); // a bad expression fails at import, not at the first tick
  const existing = jobs.get(def.name);
  if (existing && existing !== (def as unknown) && process.env.NODE_ENV !== "development") {
    throw new DuplicateJobError(`A job named "${def.name}" is already registered.`);
  }
  jobs.set(def.name, def as unknown as JobDefinition<unknown>);
  return def;
}

/** Declares and registers a job in one step: `export const sendEmail = defineJob({ name, parse, run })`. */
export function defineJob<P>(def: JobDefinition<P>): JobDefinition<P> {
  return registerJob(def);
}

export function getJob(name: string): JobDefinition<unknown> | undefined {
  return jobs.get(name);
}

export function listJobs(): JobDefinition<unknown>[] {
  return [...jobs.values()];
}

/** Tests only: forget one job (or all), so a file can define its own. */
export function unregisterJob(name?: string): void {
  if (name === undefined) jobs.clear();
  else jobs.delete(name);
}

/** The Trigger.dev task id that runs a job: the job's name (task ids and job names share one namespace). */
export function taskIdFor(name: string): string {
  return name;
}
