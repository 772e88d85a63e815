import type { Db, DbTx } from "@/server/db/client";
import { defineJob } from "@/server/domain/jobs";
import { DAY_MS } from "@/lib/time";

// An outbox row's `data` is what its template was rendered from: sign-in and reset links with their tokens,
// names, amounts. It is needed until the message is delivered (retries render it again); a day after that
// it is only a liability. The row itself stays (who was told what, when, through which provider message).

export const SENT_DATA_RETENTION_MS = DAY_MS;

/** Empties `data` of messages sent or skipped more than a day ago; pending and failed ones keep it for a retry. */
export async function purgeSentOutboxData(db: Db | DbTx, now: Date = new Date()): Promise<number> {
  const before = new Date(now.getTime() - SENT_DATA_RETENTION_MS);
  return db.$executeRaw`
    UPDATE notification_outbox SET data = '{}'::jsonb
    WHERE status IN ('sent', 'skipped') AND COALESCE(sent_at, created_at) < ${before} AND data <> '{}'::jsonb`;
}

export const purgeSentOutboxDataJob = defineJob({
  name: "notifications.purge-sent-data",
  cron: "23 4 * * *",
  parse: () => ({}),
  run: async (_payload, ctx) => ({ purged: await purgeSentOutboxData(ctx.db) }),
});
