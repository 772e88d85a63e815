/**
 * src/server/db/migrate.ts against real, empty databases on the test server: the app's migrations
 * apply once and then are a no-op, the history matches `prisma migrate deploy`'s, and a failing
 * migration is rolled back, recorded, and retried once fixed.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { withDatabase } from "@/server/db/database-url";
import { applyMigrations, MigrationError, readMigrations } from "@/server/db/migrate";
import { createDatabase, dropDatabase } from "../helpers/db-admin";

const serverUrl = inject("testDbServerUrl");
const created: string[] = [];
const tempDirs: string[] = [];

async function emptyDatabase(): Promise<string> {
  const name = `saas_test_mig_${randomBytes(5).toString("hex")}`;
  await createDatabase(serverUrl, name);
  created.push(name);
  return withDatabase(serverUrl, name);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

function tempMigrations(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "saas-test-migrations-"));
  tempDirs.push(dir);
  writeMigrations(dir, files);
  return dir;
}
function writeMigrations(dir: string, files: Record<string, string>) {
  for (const [name, sql] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
}

afterAll(async () => {
  for (const name of created) await dropDatabase(serverUrl, name);
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
}
const history = (url: string) =>
  query<HistoryRow>(
    url,
    `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );

describe("applyMigrations", () => {
  it("applies every folder of prisma/migrations once, then is a no-op", async () => {
    const url = await emptyDatabase();
    const dir = path.resolve(process.cwd(), "prisma/migrations");
    const folders = fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(folders.length).toBeGreaterThan(0);

    expect(await applyMigrations(url, dir)).toEqual(folders);
    const afterFirst = await history(url);
    expect(await applyMigrations(url, dir)).toEqual([]);
    expect(await history(url)).toEqual(afterFirst);

    // One finished row per folder, checksum = sha256 of its migration.sql (what prisma migrate deploy writes).
    expect(afterFirst.map((r) => r.migration_name)).toEqual(folders);
    for (const row of afterFirst) {
      const sql = fs.readFileSync(path.join(dir, row.migration_name, "migration.sql"));
      expect(row).toMatchObject({
        checksum: createHash("sha256").update(sql).digest("hex"),
        rolled_back_at: null,
        applied_steps_count: 1,
      });
      expect(row.finished_at).toBeInstanceOf(Date);
    }
    expect(readMigrations(dir).map((m) => m.checksum)).toEqual(afterFirst.map((r) => r.checksum));

    // The schema really is there: the tables the app uses exist.
    const tables = await query<{ table_name: string }>(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(["users", "tenants", "tenant_members", "projects", "audit_logs", "user_privacy_consents", "dev_mailbox_messages"]),
    );
  });

  it("is safe to run concurrently: two runs apply each migration once", async () => {
    const url = await emptyDatabase();
    const dir = path.resolve(process.cwd(), "prisma/migrations");
    const [a, b] = await Promise.all([applyMigrations(url, dir), applyMigrations(url, dir)]);
    expect([...a, ...b].sort()).toEqual(readMigrations(dir).map((m) => m.name));
    expect((await history(url)).every((r) => r.finished_at !== null && r.rolled_back_at === null)).toBe(true);
  });

  it("rolls a failing migration back, records it, and applies the fixed one on the next run", async () => {
    const url = await emptyDatabase();
    const dir = tempMigrations({
      "20260101000000_first": `CREATE TABLE "first_table" ("id" INTEGER PRIMARY KEY);`,
      "20260102000000_second": `CREATE TABLE "second_table" ("id" INTEGER PRIMARY KEY);\nINSERT INTO "no_such_table" VALUES (1);`,
    });

    const error = await applyMigrations(url, dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(/20260102000000_second.*rolled back.*no_such_table/s);

    // The first stays applied; nothing of the second is left (its CREATE TABLE was rolled back).
    const exists = async (table: string) =>
      (await query<{ t: string | null }>(url, `SELECT to_regclass($1)::text AS t`, [`public.${table}`]))[0]!.t !== null;
    expect(await exists("first_table")).toBe(true);
    expect(await exists("second_table")).toBe(false);
    const failed = await history(url);
    expect(failed.map((r) => ({ name: r.migration_name, finished: r.finished_at !== null, rolledBack: r.rolled_back_at !== null }))).toEqual([
      { name: "20260101000000_first", finished: true, rolledBack: false },
      { name: "20260102000000_second", finished: false, rolledBack: true },
    ]);
    expect(failed[1]!.logs).toMatch(/no_such_table/);

    // Fix the SQL and run again: only the second is applied.
    writeMigrations(dir, { "20260102000000_second": `CREATE TABLE "second_table" ("id" INTEGER PRIMARY KEY);` });
    expect(await applyMigrations(url, dir)).toEqual(["20260102000000_second"]);
    expect(await exists("second_table")).toBe(true);
    const fixed = await history(url);
    const finishedRows = fixed.filter((r) => r.finished_at !== null && r.rolled_back_at === null);
    expect(finishedRows.map((r) => r.migration_name)).toEqual(["20260101000000_first", "20260102000000_second"]);
    expect(finishedRows[1]!.checksum).toBe(
      createHash("sha256").update(`CREATE TABLE "second_table" ("id" INTEGER PRIMARY KEY);`).digest("hex"),
    );
    expect(await applyMigrations(url, dir)).toEqual([]);
  });

  it("refuses to continue past a migration that is recorded as started but never finished", async () => {
    const url = await emptyDatabase();
    const dir = tempMigrations({ "20260101000000_only": `CREATE TABLE "only_table" ("id" INTEGER);` });
    await applyMigrations(url, dir);
    await query(url, `UPDATE "_prisma_migrations" SET finished_at = NULL`);
    await expect(applyMigrations(url, dir)).rejects.toThrow(MigrationError);
  });
});
