/**
 * `npm run worker`: the local job runner as its own process, for a production deployment without
 * Trigger.dev (in development `npm run dev` runs it already). Runs jobs from the jobs table of
 * DATABASE_URL (else the embedded PostgreSQL of `npm run dev`) until SIGINT/SIGTERM, then finishes the
 * jobs in progress and exits. Run as many as you like: they share the work through row locks and leases.
 *   JOBS_CONCURRENCY  jobs at a time in this process (default 4)
 *   JOBS_POLL_MS      wait after finding nothing to do (default 1000)
 *   JOBS_LEASE_MS     how long a claim holds without a heartbeat (default 300000)
 */
import { bootstrapScript } from "./lib/env";

bootstrapScript();
const { createLogger, LauncherError, runCli } = await import("./lib/cli");
const log = createLogger("worker");

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new LauncherError(`${name} must be a positive integer (got "${raw}").`);
  return value;
}

runCli("worker", async () => {
  const concurrency = positiveInt("JOBS_CONCURRENCY", 4);
  const pollMs = positiveInt("JOBS_POLL_MS", 1000);
  const leaseMs = positiveInt("JOBS_LEASE_MS", 5 * 60_000);
  const { openDatabase } = await import("./lib/database");
  const db = await openDatabase({ embedded: "reuse", log: log.info });
  // Before the app modules load: the Prisma client reads DATABASE_URL at import.
  process.env.DATABASE_URL = db.url;

  const controller = new AbortController();
  let stoppingSince = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    // tsx re-sends a signal it is not sure the script got (within ~60 ms): not a second Ctrl+C.
    if (stoppingSince && Date.now() - stoppingSince < 1500) return;
    if (stoppingSince) {
      log.warn(`${sig} again: exiting without waiting; the running jobs are retried after their lease.`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    log.info(`${sig}: finishing the running jobs, taking no new ones...`);
    controller.abort();
  };
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(s, onSignal);

  const { prisma } = await import("@/server/db/client");
  await import("../trigger/jobs");
  const { defaultWorkerId, listJobs, startRunner } = await import("@/server/domain/jobs");
  try {
    if (process.env.TRIGGER_SECRET_KEY) {
      log.warn("TRIGGER_SECRET_KEY is set: new jobs go to Trigger.dev; this worker only drains rows already in the jobs table.");
    }
    const workerId = defaultWorkerId();
    const names = listJobs().map((j) => (j.cron ? `${j.name} (${j.cron})` : j.name));
    log.info(`Database: ${db.description}`);
    log.info(`Worker ${workerId}: concurrency ${concurrency}, ${names.length} job(s): ${names.join(", ") || "none registered"}`);
    await startRunner({ db: prisma, concurrency, pollMs, leaseMs, workerId, signal: controller.signal, log: log.info });
    log.info("Stopped.");
    return 0;
  } finally {
    await prisma.$disconnect();
    await db.stop();
  }
});
