import { schedules, task } from "@trigger.dev/sdk";
import { listJobs, taskIdFor } from "@/server/domain/jobs";
import { jobTaskRetry, runJobTask } from "./run-job";
import "./jobs";

// One Trigger.dev task per registered job, with the job's name as task id (what enqueue triggers) and
// its retry policy. Cron jobs become scheduled tasks: the same expression, declared here so Trigger.dev
// syncs it on deploy. Task objects register themselves when created; the export is for typing and tests.
export const jobTasks = listJobs().map((def) =>
  def.cron
    ? schedules.task({
        id: taskIdFor(def.name),
        cron: def.cron,
        retry: jobTaskRetry(def),
        run: (payload, { ctx }) =>
          runJobTask(def.name, { scheduledAt: payload.timestamp.toISOString() }, { attempt: ctx.attempt.number, runId: ctx.run.id }),
      })
    : task({
        id: taskIdFor(def.name),
        retry: jobTaskRetry(def),
        // One queue per job keeps a slow job from delaying the others; raise the limit per job as needed.
        queue: { name: `jobs-${def.name}`, concurrencyLimit: 10 },
        run: (payload: unknown, { ctx }) => runJobTask(def.name, payload, { attempt: ctx.attempt.number, runId: ctx.run.id }),
      }),
);
