import { configure, idempotencyKeys, tasks } from "@trigger.dev/sdk";
import type { JobQueue, JobQueueRequest } from "./index";

/**
 * Trigger.dev (TRIGGER_SECRET_KEY set): the job runs as the task of the same name in trigger/. The
 * database option of enqueue does not apply: the run is created at once, outside any transaction.
 */
export function createTriggerJobQueue(opts: { secretKey: string; apiUrl?: string }): JobQueue {
  let configured = false;
  return {
    name: "trigger",
    async enqueue(req: JobQueueRequest) {
      if (!configured) {
        configure({ secretKey: opts.secretKey, ...(opts.apiUrl ? { baseURL: opts.apiUrl } : {}) });
        configured = true;
      }
      // A plain string key is scoped to the current run when called inside a task (a notification
      // enqueued from a retried task would then send twice); our keys are meant globally.
      const idempotencyKey = req.idempotencyKey
        ? await idempotencyKeys.create(req.idempotencyKey, { scope: "global" })
        : undefined;
      const handle = await tasks.trigger(req.taskId, req.payload, {
        ...(idempotencyKey ? { idempotencyKey } : {}),
        ...(req.delayMs && req.delayMs > 0 ? { delay: req.runAt } : {}),
      });
      return { id: handle.id, provider: "trigger" };
    },
  };
}
