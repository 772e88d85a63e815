import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { EMBEDDED_PG, embeddedDatabaseUrl } from "@/server/db/database-url";
import { ensureDatabase, startEmbeddedDatabase } from "@/server/db/embedded";
import { readMigrations } from "@/server/db/migrate";
import { LauncherError } from "./cli";
import { takeOverEmbeddedPostgresSignals } from "./exit-hooks";
import { relativeToProject } from "./paths";

// Our scripts decide when PostgreSQL stops and with which exit code (see exit-hooks.ts).
takeOverEmbeddedPostgresSignals();

export interface OpenDatabase {
  /** The URL the app and the scripts use (contains the password: never print it). */
  url: string;
  kind: "external" | "embedded";
  /** For the banner and messages: host, port, database, never the password. */
  description: string;
  /** True when this process started the embedded PostgreSQL (and so must stop it). */
  startedHere: boolean;
  stop(): Promise<void>;
}

/** host:port/database of a PostgreSQL URL, without user or password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || "localhost";
    const port = u.port || "5432";
    const db = decodeURIComponent(u.pathname.replace(/^\//, "")) || "(default database)";
    return `${host}:${port}/${db}`;
  } catch {
    return "(an unparsable URL)";
  }
}

/** The URL with any password replaced, for logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(an unparsable URL)";
  }
}

/** A plain pg connection that runs `fn` and closes. */
export async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>, timeoutMs = 5000): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on("error", () => undefined); // a server shutting down mid-call must not crash the launcher
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    await withPg(url, (c) => c.query("SELECT 1"), 2000);
    return true;
  } catch {
    return false;
  }
}

async function checkExternal(url: string): Promise<void> {
  try {
    await withPg(url, (c) => c.query("SELECT 1"));
  } catch (error) {
    const reason = (error as Error).message || String(error);
    throw new LauncherError(
      `Cannot connect to the database in DATABASE_URL (${describeDatabaseUrl(url)}): ${reason}. ` +
        `Check that this PostgreSQL is running and that the URL, user, password and database name are right, ` +
        `or remove DATABASE_URL (from the environment and .env) to use the embedded PostgreSQL that "npm run dev" starts.`,
    );
  }
}

export interface OpenDatabaseOptions {
  /**
   * "start": always start the embedded server (the dev launcher: a PostgreSQL a killed launcher left
   * running is stopped and restarted cleanly). "reuse": use the embedded server if one already answers
   * on its port (a running "npm run dev"), start it otherwise (db:migrate, db:seed).
   */
  embedded: "start" | "reuse";
  log?: (line: string) => void;
}

/** DATABASE_URL when set, otherwise the embedded PostgreSQL (started if needed) with its `saas` database. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<OpenDatabase> {
  const fromEnv = process.env.DATABASE_URL?.trim();
  if (fromEnv) {
    await checkExternal(fromEnv);
    return {
      url: fromEnv,
      kind: "external",
      description: `PostgreSQL at ${describeDatabaseUrl(fromEnv)} (from DATABASE_URL)`,
      startedHere: false,
      stop: async () => undefined,
    };
  }

  const url = embeddedDatabaseUrl();
  const serverUrl = embeddedDatabaseUrl("postgres");
  const where = `127.0.0.1:${EMBEDDED_PG.port}`;
  const dataDir = relativeToProject(EMBEDDED_PG.dataDir);

  if (opts.embedded === "reuse" && (await answers(serverUrl))) {
    await ensureDatabase(serverUrl, EMBEDDED_PG.database);
    return {
      url,
      kind: "embedded",
      description: `embedded PostgreSQL at ${where}/${EMBEDDED_PG.database} (already running; data in ${dataDir})`,
      startedHere: false,
      stop: async () => undefined,
    };
  }

  const firstRun = !fs.existsSync(path.join(EMBEDDED_PG.dataDir, "PG_VERSION"));
  opts.log?.(firstRun ? `Creating the embedded PostgreSQL in ${dataDir} (first run)...` : `Starting the embedded PostgreSQL...`);
  const server = await startEmbeddedDatabase({
    dataDir: EMBEDDED_PG.dataDir,
    port: EMBEDDED_PG.port,
    user: EMBEDDED_PG.user,
    password: EMBEDDED_PG.password,
  });
  const stop = () => server.stop();
  try {
    await ensureDatabase(serverUrl, EMBEDDED_PG.database);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    kind: "embedded",
    description: `embedded PostgreSQL at ${where}/${EMBEDDED_PG.database} (data in ${dataDir})`,
    startedHere: true,
    stop,
  };
}

/** Migration folders not yet recorded in _prisma_migrations (all of them on an empty database). */
export async function pendingMigrations(url: string): Promise<string[]> {
  const all = readMigrations().map((m) => m.name);
  const applied = await withPg(url, async (c) => {
    const exists = await c.query(`SELECT to_regclass('"_prisma_migrations"') AS t`);
    if (!exists.rows[0]?.t) return new Set<string>();
    const { rows } = await c.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    return new Set(rows.map((r) => r.migration_name));
  });
  return all.filter((name) => !applied.has(name));
}

/** Whether the users table has no rows yet: the launcher seeds the demo personas then. */
export async function hasNoUsers(url: string): Promise<boolean> {
  return withPg(url, async (c) => {
    const { rows } = await c.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM "users") AS any`);
    return !rows[0]?.any;
  });
}
