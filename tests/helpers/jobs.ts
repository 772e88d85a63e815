/**
 * Runs the local job runner in this test file's process until no job is due or running: what the dev
 * launcher and `npm run worker` do in the background. Call it after a request that queued work
 * (sign-up, invite) before reading what the work produces (the dev mailbox). Jobs waiting for a backoff
 * are not due. A job another caller is running (drains racing in Promise.all) is waited for.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { DbTx } from "@/server/db/client";
import { runOnce, type JobDefinition, type RunOnceResult } from "@/server/domain/jobs";
import { jobs as appJobs } from "@/server/jobs";

/** `jobs`: what the runner knows (default: the app's, as the worker runs them). */
export async function drainJobs(db: DbTx, opts: { now?: Date; timeoutMs?: number; jobs?: readonly JobDefinition[] } = {}): Promise<RunOnceResult[]> {
  const results: RunOnceResult[] = [];
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  while (Date.now() < deadline) {
    const result = await runOnce({ db, jobs: opts.jobs ?? appJobs, workerId: "test-drain", now: opts.now, random: () => 0 });
    if (result) {
      results.push(result);
      continue;
    }
    if ((await db.job.count({ where: { status: "running" } })) === 0) return results;
    await sleep(20);
  }
  throw new Error(`drainJobs: jobs still due or running after ${opts.timeoutMs ?? 15_000} ms`);
}
