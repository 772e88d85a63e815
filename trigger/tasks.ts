import { schedules, task } from "@trigger.dev/sdk";
import { jobsByName, taskIdFor, type JobDefinition } from "@/server/domain/jobs";
import { jobs } from "@/server/jobs";
import { jobTaskRetry, runJobTask } from "./run-job";

/**
 * One Trigger.dev task per job, with the job's name as task id (what enqueue triggers) and its retry
 * policy. Cron jobs become scheduled tasks: the same expression, declared here so Trigger.dev syncs it on
 * deploy. Task objects register themselves with the SDK when created; the result is for typing and tests.
 */
export function jobTasksFor(list: readonly JobDefinition[]) {
  jobsByName(list); // two jobs with one name would be two tasks with one id
  return list.map((def) =>
    def.cron
      ? schedules.task({
          id: taskIdFor(def.name),
          cron: def.cron,
          retry: jobTaskRetry(def),
          run: (payload, { ctx }) =>
            runJobTask(def, { scheduledAt: payload.timestamp.toISOString() }, { attempt: ctx.attempt.number, runId: ctx.run.id }),
        })
      : task({
          id: taskIdFor(def.name),
          retry: jobTaskRetry(def),
          // One queue per job keeps a slow job from delaying the others; raise the limit per job as needed.
          queue: { name: `jobs-${def.name}`, concurrencyLimit: 10 },
          run: (payload: unknown, { ctx }) => runJobTask(def, payload, { attempt: ctx.attempt.number, runId: ctx.run.id }),
        }),
  );
}

/** The app's tasks: one per job in src/server/jobs.ts. */
export const jobTasks = jobTasksFor(jobs);
