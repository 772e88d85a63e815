import { embeddedDatabaseUrl, withDatabase } from "../../src/server/db/database-url";

// Where the e2e server's database lives (scripts/e2e-server.ts creates it; specs that set up their own
// rows connect to it): the "saas_e2e" database on DATABASE_URL's server, or on the throw-away embedded
// PostgreSQL the e2e server starts on port E2E_PORT + 20000 when DATABASE_URL is unset.
export const E2E_DATABASE = "saas_e2e";
export const e2ePort = () => Number(process.env.E2E_PORT ?? 3100);
export const e2eEmbeddedPort = () => e2ePort() + 20000;

export function e2eServerUrl(): string {
  return process.env.DATABASE_URL || embeddedDatabaseUrl("postgres", e2eEmbeddedPort());
}

export function e2eDatabaseUrl(): string {
  return withDatabase(e2eServerUrl(), E2E_DATABASE);
}
