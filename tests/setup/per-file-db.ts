/**
 * Runs in the worker before each test FILE is imported (vitest gives every file its own module
 * graph): copies the migrated template into a fresh database and points DATABASE_URL at it, so the
 * app's Prisma singleton (src/server/db/client.ts, created at import) talks to this file's database
 * only. The database is dropped after the file.
 */
import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import { withDatabase } from "../../src/server/db/database-url";
import { createDatabase, dropDatabase } from "../helpers/db-admin";

// A fixed test environment: src/env.ts parses process.env when first imported, which is after this.
Object.assign(process.env, {
  NODE_ENV: "test",
  APP_URL: "http://localhost:3000",
  BETTER_AUTH_SECRET: "test-secret-0123456789abcdefghijklmnopqrstuvwxyz",
});
// Never reach a real email provider: without a key the dev mailbox (a table in this database) is used.
delete process.env.RESEND_API_KEY;
delete process.env.RESEND_BASE_URL;
// Jobs run on the local queue in tests (a Trigger.dev key in a developer's shell must not send them away).
delete process.env.TRIGGER_SECRET_KEY;
delete process.env.PLAYGROUND;

const serverUrl = inject("testDbServerUrl");
const template = inject("testDbTemplate");
const database = `saas_test_${randomBytes(6).toString("hex")}`;

await createDatabase(serverUrl, database, template);
process.env.DATABASE_URL = withDatabase(serverUrl, database);
/** This file's database, for helpers that need the name or a second connection. */
process.env.TEST_DATABASE_NAME = database;

// A Prisma client left on globalThis by an earlier file in the same process must not be reused.
delete (globalThis as { prisma?: unknown }).prisma;

afterAll(async () => {
  // Registered first, so it runs after the test file's own afterAll hooks.
  const prisma = (globalThis as { prisma?: { $disconnect(): Promise<void> } }).prisma;
  await prisma?.$disconnect().catch(() => undefined);
  delete (globalThis as { prisma?: unknown }).prisma;
  await dropDatabase(serverUrl, database);
});
