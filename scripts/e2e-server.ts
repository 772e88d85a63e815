// The server Playwright tests against: the production build (`next build` must have run) on a
// fresh database that is migrated and seeded with the personas. DATABASE_URL names the server to
// use (a database "saas_e2e" is recreated on it); unset, a throw-away embedded PostgreSQL is started.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { seed } from "../prisma/seed";
import { EMBEDDED_PG } from "../src/server/db/database-url";
import { createPrismaClient } from "../src/server/db/client";
import { startEmbeddedDatabase, type RunningEmbeddedDatabase } from "../src/server/db/embedded";
import { applyMigrations } from "../src/server/db/migrate";
import { E2E_DATABASE, e2eDatabaseUrl, e2eEmbeddedPort, e2ePort, e2eServerUrl } from "../e2e/support/database";
import { takeOverEmbeddedPostgresSignals } from "./lib/exit-hooks";

// We stop next first, then PostgreSQL, and choose the exit code ourselves.
takeOverEmbeddedPostgresSignals();

const PORT = e2ePort();
const E2E_DB = E2E_DATABASE;

async function recreateDatabase(serverUrl: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${E2E_DB} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${E2E_DB}`);
  } finally {
    await client.end();
  }
}

async function main() {
  let embedded: RunningEmbeddedDatabase | undefined;
  const serverUrl = e2eServerUrl();
  if (!process.env.DATABASE_URL) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "saas-e2e-pg-"));
    fs.chmodSync(dataDir, 0o777);
    const port = e2eEmbeddedPort();
    embedded = await startEmbeddedDatabase({ dataDir: path.join(dataDir, "data"), port, user: EMBEDDED_PG.user, password: EMBEDDED_PG.password });
  }
  await recreateDatabase(serverUrl);
  const databaseUrl = e2eDatabaseUrl();
  await applyMigrations(databaseUrl);
  // The seed encrypts the platform admin's TOTP secret with the auth secret: it must be the server's.
  const authSecret = process.env.BETTER_AUTH_SECRET ?? "e2e-only-secret-0123456789abcdefghijklmnop";
  const prisma = createPrismaClient(databaseUrl);
  await seed(prisma, { authSecret });
  await prisma.$disconnect();

  // The job runner delivers the emails the e2e tests open in the dev mailbox (its own process, as in production).
  const worker = spawn(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "scripts/worker.ts"], {
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: databaseUrl, JOBS_POLL_MS: "200", JOBS_CONCURRENCY: "4", RESEND_API_KEY: "", TRIGGER_SECRET_KEY: "" },
  });

  // The production server as `npm start` runs it (scripts/start.ts). Playwright plays one trusted proxy:
  // each test sends its own client address in X-Forwarded-For (e2e/fixtures.ts), so tests never share
  // a per-address rate limit, while anything a client wrote before that entry is still ignored.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts", "-p", String(PORT)], {
    stdio: "inherit",
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      APP_URL: `http://localhost:${PORT}`,
      BETTER_AUTH_SECRET: authSecret,
      PLAYGROUND: "1",
      NEXT_TELEMETRY_DISABLED: "1",
      RESEND_API_KEY: "",
      TRUSTED_PROXIES: "1",
    },
  });
  const stop = async () => {
    worker.kill("SIGTERM");
    child.kill("SIGTERM");
    await embedded?.stop();
  };
  process.on("SIGINT", () => void stop().then(() => process.exit(0)));
  process.on("SIGTERM", () => void stop().then(() => process.exit(0)));
  child.on("exit", async (code) => {
    worker.kill("SIGTERM");
    await embedded?.stop();
    process.exit(code ?? 1);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
