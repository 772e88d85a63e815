import { spawn } from "node:child_process";
import os from "node:os";
import { resolveAuthSecret } from "@/server/auth-secret";
import { applyMigrations } from "@/server/db/migrate";
import { DEMO_PASSWORD, personas } from "@/server/seed/personas";
import { createLogger, LauncherError, seconds } from "./cli";
import { hasNoUsers, openDatabase, type OpenDatabase } from "./database";
import { nextDevArgs, resolveNextBin } from "./next";
import { clearStaleLauncher, descendantsOf, removeLock, signal, stopProcessTree, writeLock } from "./processes";

/** A signal arrived during start-up: unwind (stop what was started) instead of going on. */
class StartAborted extends Error {}

const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * `npm run dev`: the database (DATABASE_URL, else the embedded PostgreSQL in .data/postgres),
 * pending migrations, the demo personas on an empty database, then `next dev` with the database URL
 * and auth secret in its environment. Ctrl+C (or SIGTERM) stops next, then PostgreSQL. If next
 * exits on its own, PostgreSQL is stopped and the launcher exits with next's code.
 */
export async function runDevLauncher(argv: string[]): Promise<number> {
  const started = Date.now();
  const log = createLogger("dev");
  const { args, port } = nextDevArgs(argv);
  const appUrl = `http://localhost:${port}`;

  // ---- signals: during start-up they abort at the next step; once next runs they stop it ----
  let received: NodeJS.Signals | null = null;
  let nextPid: number | undefined;
  let stopNext: (() => void) | undefined;
  let receivedAt = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (received) {
      // tsx re-sends a signal it is not sure the launcher got (within ~60 ms): not a second Ctrl+C.
      if (Date.now() - receivedAt < 1500) return;
      // A second Ctrl+C: do not wait for a graceful stop.
      log.warn("Forcing shutdown...");
      if (nextPid) for (const pid of [nextPid, ...descendantsOf(nextPid)]) signal(pid, "SIGKILL");
      return;
    }
    received = sig;
    receivedAt = Date.now();
    log.info(`${sig}: shutting down...`);
    stopNext?.();
  };
  for (const s of SHUTDOWN_SIGNALS) process.on(s, onSignal);
  const checkpoint = () => {
    if (received) throw new StartAborted();
  };

  await clearStaleLauncher({ log: log.info });
  writeLock({ launcherPid: process.pid, port, startedAt: new Date().toISOString() });

  let db: OpenDatabase | undefined;
  let jobs: DevJobRunner | undefined;
  try {
    // ---- database ----
    db = await openDatabase({ embedded: "start", log: log.info });
    process.env.DATABASE_URL = db.url;
    const dbReady = Date.now();
    checkpoint();

    const applied = await applyMigrations(db.url);
    log.info(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "Migrations: up to date");
    const migrated = Date.now();
    checkpoint();

    let seededNote = "";
    if (await hasNoUsers(db.url)) {
      log.info("Empty database: seeding the demo personas...");
      const { seed } = await import("../../prisma/seed");
      const { createPrismaClient } = await import("@/server/db/client");
      const prisma = createPrismaClient(db.url);
      try {
        const result = await seed(prisma);
        seededNote = `, seed ${seconds(result.ms)}`;
      } finally {
        await prisma.$disconnect();
      }
    }
    const prepared = Date.now();
    checkpoint();

    // ---- the local job runner (next runs in a child process, so the runner lives here) ----
    jobs = await startDevJobRunner(log);

    // ---- next dev ----
    const secret = resolveAuthSecret({ BETTER_AUTH_SECRET: process.env.BETTER_AUTH_SECRET || undefined, NODE_ENV: "development" });
    const mailbox = process.env.RESEND_API_KEY ? "Resend (RESEND_API_KEY is set)" : `${appUrl}/dev/mailbox`;
    const demo = personas.find((p) => p.key === "paid") ?? personas[0]!;
    console.log(
      [
        "",
        `  SaaS Template (development)`,
        `  - App:          ${appUrl}`,
        `  - Database:     ${db.description}`,
        `  - Mailbox:      ${mailbox}`,
        `  - Jobs:         ${jobs.description}`,
        `  - Demo logins:  ${personas.length} personas listed on ${appUrl}/sign-in, e.g. ${demo.email} / ${DEMO_PASSWORD}`,
        `  - Prepared in ${seconds(prepared - started)} (database ${seconds(dbReady - started)}, migrations ${seconds(migrated - dbReady)}${seededNote}); starting next dev...`,
        "",
      ].join("\n"),
    );

    const child = spawn(process.execPath, [resolveNextBin(), ...args], {
      // Same process group as the launcher (not detached): Ctrl+C in the terminal and a tool that kills
      // the group (Playwright's webServer, an IDE's stop button) reach next directly, so next never
      // outlives the launcher; a signal sent to the launcher alone is passed on below.
      stdio: ["ignore", "inherit", "inherit"],
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        BETTER_AUTH_SECRET: secret,
        NEXT_TELEMETRY_DISABLED: "1",
        APP_URL: process.env.APP_URL || appUrl,
        // The port next dev listens on: the app trusts localhost, 127.0.0.1 and [::1] on it as origins
        // (src/server/http/cross-site.ts), so the dev server works whichever name the browser uses.
        PORT: String(port),
      },
    });
    nextPid = child.pid;
    writeLock({ launcherPid: process.pid, nextPid, port, startedAt: new Date(started).toISOString() });

    const exitCode = await new Promise<number>((resolve, reject) => {
      child.once("error", (error) => reject(new LauncherError(`Could not start next dev: ${error.message}`)));
      child.once("exit", (code, signal) => resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 1)));
      stopNext = () => {
        if (nextPid) void stopProcessTree(nextPid);
      };
      if (received) stopNext();
    });
    if (received) return 0;
    log.info(`next dev exited with code ${exitCode}.`);
    return exitCode;
  } catch (error) {
    // Ctrl+C during start-up also reaches PostgreSQL (same process group), which may then fail to
    // start: that is the user stopping us, not an error to report.
    if (error instanceof StartAborted || received) return 0;
    throw error;
  } finally {
    // Before PostgreSQL: the runner finishes the job in progress (it would be retried after its lease anyway).
    if (jobs) {
      log.info("Stopping the job runner...");
      await jobs.stop();
    }
    if (db?.startedHere) {
      log.info("Stopping PostgreSQL...");
      await db.stop();
      log.info("PostgreSQL stopped.");
    }
    removeLock();
    for (const s of SHUTDOWN_SIGNALS) process.off(s, onSignal);
  }
}

interface DevJobRunner {
  description: string;
  stop(): Promise<void>;
}

/**
 * The local job runner, in the launcher process (DATABASE_URL is set by now). With TRIGGER_SECRET_KEY
 * jobs go to Trigger.dev (run `npx trigger.dev@4.8.3 dev` next to this). A runner that cannot start (a
 * job module that throws at import) is reported without keeping the app from starting.
 */
async function startDevJobRunner(log: ReturnType<typeof createLogger>): Promise<DevJobRunner> {
  if (process.env.TRIGGER_SECRET_KEY) {
    return { description: "Trigger.dev (TRIGGER_SECRET_KEY is set; run `npx trigger.dev@4.8.3 dev`)", stop: async () => undefined };
  }
  try {
    const { prisma } = await import("@/server/db/client");
    const { jobs } = await import("@/server/jobs");
    const { startRunner } = await import("@/server/domain/jobs");
    const controller = new AbortController();
    const done = startRunner({
      db: prisma,
      jobs,
      concurrency: 2,
      pollMs: 1000,
      signal: controller.signal,
      log: (line) => log.info(`jobs: ${line}`),
    }).catch((error: unknown) => log.warn(`The job runner stopped: ${(error as Error).message ?? String(error)}`));
    return {
      description: `local runner in this process (${jobs.length} jobs; npm run worker in production)`,
      stop: async () => {
        controller.abort();
        await done;
        await prisma.$disconnect();
      },
    };
  } catch (error) {
    log.warn(`Could not start the local job runner: ${(error as Error).message ?? String(error)}`);
    return { description: "not running (see the warning above)", stop: async () => undefined };
  }
}
