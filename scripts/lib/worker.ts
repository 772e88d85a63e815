import type { JobDefinition } from "@/server/domain/jobs";
import { createLogger, LauncherError, runCli } from "./cli";

// The body of `npm run worker` (scripts/worker.ts): run after bootstrapScript(), which loads .env first.

export interface WorkerOptions {
  /** Tests: jobs to run besides the app's (loaded after the database is settled, as the app's are). */
  moreJobs?: () => Promise<readonly JobDefinition[]>;
}

const log = createLogger("worker");

/** The variable's value; undefined when unset (the default applies). */
function positiveInt(name: string): number | undefined {
  const raw = process.env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new LauncherError(`${name} must be a positive integer (got "${raw}").`);
  return value;
}

export function runWorker(options: WorkerOptions = {}): void {
  runCli("worker", async () => {
    const concurrency = positiveInt("JOBS_CONCURRENCY") ?? 4;
    const pollMs = positiveInt("JOBS_POLL_MS") ?? 1000;
    // Unset: the runner's DEFAULT_LEASE_MS (its module cannot load before DATABASE_URL is settled).
    const leaseMs = positiveInt("JOBS_LEASE_MS");
    const { openDatabase } = await import("./database");
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
    const { jobs } = await import("@/server/jobs");
    const { startRunner } = await import("@/server/domain/jobs");
    const runs = [...jobs, ...((await options.moreJobs?.()) ?? [])];
    try {
      if (process.env.TRIGGER_SECRET_KEY) {
        log.warn("TRIGGER_SECRET_KEY is set: new jobs go to Trigger.dev; this worker only drains rows already in the jobs table.");
      }
      const names = runs.map((j) => (j.cron ? `${j.name} (${j.cron})` : j.name));
      log.info(`Database: ${db.description}`);
      log.info(`Concurrency ${concurrency}, ${names.length} job(s): ${names.join(", ")}`);
      await startRunner({ db: prisma, jobs: runs, concurrency, pollMs, leaseMs, signal: controller.signal, log: log.info });
      log.info("Stopped.");
      return 0;
    } finally {
      await prisma.$disconnect();
      await db.stop();
    }
  });
}
