/**
 * `npm run worker` with the crash probe job added to the app's jobs: the same code as scripts/worker.ts
 * (scripts/lib/worker.ts), started by worker-process.ts for tests that kill it mid-job.
 */
import { bootstrapScript } from "../../scripts/lib/env";

bootstrapScript();
const { runWorker } = await import("../../scripts/lib/worker");
runWorker({ moreJobs: async () => [(await import("./crash-probe-job")).crashProbeJob] });
