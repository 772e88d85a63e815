/**
 * `npm run db:migrate`: applies pending prisma/migrations to DATABASE_URL, or to the embedded
 * PostgreSQL (reused if `npm run dev` runs it, otherwise started for the duration and stopped).
 * Same folders and _prisma_migrations history as `prisma migrate deploy` (src/server/db/migrate.ts).
 */
import { bootstrapScript } from "./lib/env";

bootstrapScript();
const { createLogger, runCli, seconds } = await import("./lib/cli");
const log = createLogger("db:migrate");

runCli("db:migrate", async () => {
  const started = Date.now();
  const { openDatabase } = await import("./lib/database");
  const { applyMigrations, readMigrations } = await import("@/server/db/migrate");
  const db = await openDatabase({ embedded: "reuse", log: log.info });
  try {
    log.info(`Database: ${db.description}`);
    const applied = await applyMigrations(db.url);
    if (applied.length === 0) {
      log.info(`Already up to date (${readMigrations().length} migration(s) applied).`);
    } else {
      log.info(`Applied ${applied.length} migration(s) in ${seconds(Date.now() - started)}:`);
      for (const name of applied) log.info(`  ${name}`);
    }
  } catch (error) {
    if (error instanceof Error && error.name === "MigrationError") throw error;
    // Anything else (a dropped connection, a permission error) still gets one readable paragraph.
    const { LauncherError } = await import("./lib/cli");
    throw new LauncherError(
      `Could not apply the migrations to ${db.description}: ${(error as Error).message ?? String(error)}. ` +
        `Nothing was half-applied: each migration runs in its own transaction. Fix the cause and run "npm run db:migrate" again.`,
    );
  } finally {
    await db.stop();
  }
});
