/**
 * `npm run worker`: the local job runner as its own process, for a production deployment without
 * Trigger.dev (in development `npm run dev` runs it already). Runs the jobs of src/server/jobs.ts from
 * the jobs table of DATABASE_URL (else the embedded PostgreSQL of `npm run dev`) until SIGINT/SIGTERM,
 * then finishes the jobs in progress and exits. Run as many as you like: they share the work through row
 * locks and leases.
 *   JOBS_CONCURRENCY  jobs at a time in this process (default 4)
 *   JOBS_POLL_MS      wait after finding nothing to do (default 1000)
 *   JOBS_LEASE_MS     how long a claim holds without a heartbeat (default 30000, renewed every third of
 *                     it): a killed worker's jobs resume on another worker within it, or at once when a
 *                     worker restarts on the same host
 */
import { bootstrapScript } from "./lib/env";

bootstrapScript();
const { runWorker } = await import("./lib/worker");
runWorker();
