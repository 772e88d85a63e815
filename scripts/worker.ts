/**
 * `npm run worker`: the local job runner as its own process, for a production deployment without
 * Trigger.dev (in development `npm run dev` runs it already). Runs jobs from the jobs table of
 * DATABASE_URL (else the embedded PostgreSQL of `npm run dev`) until SIGINT/SIGTERM, then finishes the
 * jobs in progress and exits. Run as many as you like: they share the work through row locks and leases.
 *   JOBS_CONCURRENCY  jobs at a time in this process (default 4)
 *   JOBS_POLL_MS      wait after finding nothing to do (default 1000)
 *   JOBS_LEASE_MS     how long a claim holds without a heartbeat (default 30000, renewed every third of
 *                     it): a killed worker's jobs resume on another worker within it, or at once when a
 *                     worker restarts on the same host
 */
import { bootstrapScript } from "./lib/env";

bootstrapScript();
const { createLogger, LauncherError, runCli } = await import("./lib/cli");
const log = createLogger("worker");

/** The variable's value; undefined when unset (the default applies). */
function positiveInt(name: string): number | undefined {
  const raw = process.env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new LauncherError(`${name} must be a positive integer (got "${raw}").`);
  return value;
}

runCli("worker", async () => {
  const concurrency = positiveInt("JOBS_CONCURRENCY") ?? 4;
  const pollMs = positiveInt("JOBS_POLL_MS") ?? 1000;
  // Unset: the runner's DEFAULT_LEASE_MS (its module cannot load before DATABASE_URL is settled).
  const leaseMs = positiveInt("JOBS_LEASE_MS");
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
      log.warn(`${sig} again: exiting without waiting; the running jobs resume when a worker restarts here, or elsewhere after their lease.`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    log.info(`${sig}: finishing the running jobs, taking no new ones...`);
    controller.abort();
  };
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(s, onSignal);

  const { prisma } = await import("@/server/db/client");
  await import("../trigger/jobs");
  const { listJobs, startRunner } = await import("@/server/domain/jobs");
  try {
    if (process.env.TRIGGER_SECRET_KEY) {
      log.warn("TRIGGER_SECRET_KEY is set: new jobs go to Trigger.dev; this worker only drains rows already in the jobs table.");
    }
    const names = listJobs().map((j) => (j.cron ? `${j.name} (${j.cron})` : j.name));
    log.info(`Database: ${db.description}`);
    log.info(`Concurrency ${concurrency}, ${names.length} job(s): ${names.join(", ") || "none registered"}`);
    await startRunner({ db: prisma, concurrency, pollMs, leaseMs, signal: controller.signal, log: log.info });
    log.info("Stopped.");
    return 0;
  } finally {
    await prisma.$disconnect();
    await db.stop();
  }
});
