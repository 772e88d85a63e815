import { prismaExtension } from "@trigger.dev/build/extensions/prisma";
import { defineConfig } from "@trigger.dev/sdk";

// Used by `npx trigger.dev@4.8.3 dev|deploy` only (it needs a Trigger.dev server: cloud or self-hosted).
// The app itself only triggers tasks (src/server/providers/jobs/trigger.ts); without TRIGGER_SECRET_KEY
// nothing here runs and the local runner executes the same jobs from the jobs table.
export default defineConfig({
  // Your project ref from the Trigger.dev dashboard (proj_...).
  project: process.env.TRIGGER_PROJECT_REF ?? "proj_replace_me",
  dirs: ["./trigger"],
  // Seconds of CPU time a run may take; raise per task with `maxDuration` where a job needs longer.
  maxDuration: 300,
  retries: {
    // Retries follow each task's policy (the job's RetryPolicy) in the development environment too.
    enabledInDev: true,
    default: { maxAttempts: 5, factor: 2, minTimeoutInMs: 1_000, maxTimeoutInMs: 600_000, randomize: true },
  },
  build: {
    // Prisma 7 with the `prisma-client` generator and @prisma/adapter-pg: no engine binaries to ship, the
    // generated client (src/generated/prisma, from `npm ci`'s postinstall) is bundled like our own code.
    extensions: [prismaExtension({ mode: "modern" })],
  },
});
