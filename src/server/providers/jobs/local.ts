import type { DbTx } from "@/server/db/client";
import type { JobQueue, JobQueueRequest } from "./index";

/**
 * The local default: one row in the jobs table, run by the local runner (npm run worker, or the dev
 * launcher). The idempotency key's unique index decides races: INSERT ... ON CONFLICT DO NOTHING (Prisma's
 * skipDuplicates) rather than catching P2002, because a unique violation would abort the caller's
 * transaction when enqueue runs inside one.
 */
export function createLocalJobQueue(opts: { db: DbTx }): JobQueue {
  return {
    name: "local",
    async enqueue(req: JobQueueRequest) {
      const db = req.db ?? opts.db;
      const data = {
        name: req.name,
        payload: toJson(req.payload),
        maxAttempts: req.maxAttempts,
        runAt: req.runAt,
        ...(req.idempotencyKey ? { idempotencyKey: req.idempotencyKey } : {}),
      };
      const idempotencyKey = req.idempotencyKey;
      if (!idempotencyKey) {
        const row = await db.job.create({ data, select: { id: true } });
        return { id: row.id, provider: "local", created: true };
      }
      // Twice: the row that beat ours could be deleted between our insert and our read (admin cleanup).
      for (let i = 0; i < 2; i++) {
        const [row] = await db.job.createManyAndReturn({ data: [data], skipDuplicates: true, select: { id: true } });
        if (row) return { id: row.id, provider: "local", created: true };
        const existing = await db.job.findUnique({ where: { idempotencyKey }, select: { id: true } });
        if (existing) return { id: existing.id, provider: "local", created: false };
      }
      throw new Error(`Could not enqueue job "${req.name}" with idempotency key ${idempotencyKey}`);
    },
  };
}

/** The payload as stored (JSON): what the runner will parse again, exactly as Trigger.dev would receive it. */
function toJson(payload: unknown) {
  return JSON.parse(JSON.stringify(payload ?? {})) as object;
}
