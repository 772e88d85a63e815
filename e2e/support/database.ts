import pg from "pg";
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

/** The cancellation reasons stored for the workspace `ownerEmail` owns, oldest first. */
export async function cancellationFeedbackOf(ownerEmail: string): Promise<{ reason: string; details: string | null }[]> {
  const client = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ reason: string; details: string | null }>(
      `SELECT f.reason::text AS reason, f.details
         FROM cancellation_feedback f
         JOIN tenant_members m ON m.tenant_id = f.tenant_id AND m.role = 'owner'
         JOIN users u ON u.id = m.user_id
        WHERE u.email = $1
        ORDER BY f.created_at`,
      [ownerEmail],
    );
    return rows;
  } finally {
    await client.end();
  }
}
