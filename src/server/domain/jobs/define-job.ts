import { parseCron } from "./cron";
import type { JobDefinition } from "./types";

// A job is a value: defineJob checks it and hands it back, nothing is registered on import. The app's
// jobs are one list, `jobs` in src/server/jobs.ts, which every runner is given: the local runner in
// `npm run dev` and `npm run worker`, and the Trigger.dev tasks (trigger/tasks.ts).

/** Job names double as Trigger.dev task ids: keep them short, lowercase, stable ("notifications.send-email"). */
const JOB_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

export class DuplicateJobError extends Error {
  override name = "DuplicateJobError";
}

/**
 * Declares a job: `export const sendEmail = defineJob({ name, parse, run })`, then add it to `jobs` in
 * src/server/jobs.ts (tests/integration/jobs-list.test.ts fails until you do). A bad name or cron
 * expression throws here, at import, not at the first tick.
 */
export function defineJob<P>(def: JobDefinition<P>): JobDefinition<P> {
  if (!JOB_NAME.test(def.name)) {
    throw new Error(`Invalid job name "${def.name}": use lowercase letters, digits, ".", "_" and "-" (max 100).`);
  }
  if (def.cron) parseCron(def.cron);
  return def;
}

/** The jobs by name. Two jobs with one name throw: a runner would run the wrong function for one of them. */
export function jobsByName(jobs: readonly JobDefinition[]): ReadonlyMap<string, JobDefinition> {
  const byName = new Map<string, JobDefinition>();
  for (const def of jobs) {
    const existing = byName.get(def.name);
    if (existing && existing !== def) throw new DuplicateJobError(`Two jobs are named "${def.name}".`);
    byName.set(def.name, def);
  }
  return byName;
}

/** The Trigger.dev task id that runs a job: the job's name (task ids and job names share one namespace). */
export function taskIdFor(name: string): string {
  return name;
}
