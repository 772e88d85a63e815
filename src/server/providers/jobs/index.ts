import { env } from "@/env";
import { prisma, type DbTx } from "@/server/db/client";
import { createLocalJobQueue } from "./local";
import { createTriggerJobQueue } from "./trigger";

export interface JobQueueRequest {
  name: string;
  /** The Trigger.dev task that runs the job. */
  taskId: string;
  /** Already validated by the job's parse; stored / sent as JSON. */
  payload: unknown;
  idempotencyKey?: string;
  /** Not before: now + delayMs. */
  runAt: Date;
  delayMs?: number;
  maxAttempts: number;
  /** The caller's transaction (local queue only). */
  db?: DbTx;
}

export interface EnqueueResult {
  /** The jobs row id (local) or the Trigger.dev run id. */
  id: string;
  provider: "local" | "trigger";
  /** Local queue: false when the idempotency key matched an existing job. Trigger.dev does not say. */
  created?: boolean;
}

export interface JobQueue {
  readonly name: "local" | "trigger";
  enqueue(req: JobQueueRequest): Promise<EnqueueResult>;
}

/** Trigger.dev when TRIGGER_SECRET_KEY is set, otherwise the jobs table and the local runner. Never undefined. */
export const jobQueue: JobQueue = env.TRIGGER_SECRET_KEY
  ? createTriggerJobQueue({ secretKey: env.TRIGGER_SECRET_KEY, apiUrl: env.TRIGGER_API_URL })
  : createLocalJobQueue({ db: prisma });

/** The local queue on a given client (cron scheduling always writes the jobs table, whichever queue runs them). */
export { createLocalJobQueue } from "./local";
