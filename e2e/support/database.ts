import { randomUUID } from "node:crypto";
import pg from "pg";
import { embeddedDatabaseUrl, withDatabase } from "../../src/server/db/database-url";

// Where the e2e server's database lives (scripts/e2e-server.ts creates it; specs that set up their own
// rows connect to it): the "saas_e2e" database (E2E_DATABASE overrides the name, so two runs against one
// server do not drop each other's) on DATABASE_URL's server, or on the throw-away embedded PostgreSQL the
// e2e server starts on port E2E_PORT + 20000 when DATABASE_URL is unset.
export const E2E_DATABASE = e2eDatabaseName(process.env.E2E_DATABASE);

function e2eDatabaseName(raw: string | undefined): string {
  if (!raw) return "saas_e2e";
  // It is spliced into DROP/CREATE DATABASE: a plain identifier only.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) throw new Error(`E2E_DATABASE must be a lowercase identifier (a-z, 0-9, _), got ${JSON.stringify(raw)}`);
  return raw;
}
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

/**
 * The newest message with `subject` delivered to `to` (since `since`, when given), or null: the e2e
 * stand-in for the recipient's own inbox (see DevMailboxPage.followLinkInInboxOf).
 */
export async function deliveredMail(to: string, subject: string, since?: Date): Promise<{ id: string; html: string } | null> {
  const client = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; html: string }>(
      `SELECT id, html FROM dev_mailbox_messages
        WHERE "to" = $1 AND subject = $2 AND created_at >= ($3::timestamptz AT TIME ZONE 'UTC')
        ORDER BY created_at DESC LIMIT 1`,
      [to.toLowerCase(), subject, since ?? new Date(0)],
    );
    return rows[0] ?? null;
  } finally {
    await client.end();
  }
}

/**
 * A custom role made for one test in the workspace `ownerEmail` owns, held by `holders` new members
 * (accounts without a password: they never sign in, they only hold the role). Returns the role's name.
 */
export async function customRoleHeldBy(ownerEmail: string, roleName: string, holders: number): Promise<string> {
  const client = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ tenant_id: string }>(
      `SELECT m.tenant_id FROM tenant_members m JOIN users u ON u.id = m.user_id WHERE u.email = $1 AND m.role = 'owner' LIMIT 1`,
      [ownerEmail],
    );
    const tenantId = rows[0]!.tenant_id;
    const key = `e2e-${randomUUID().slice(0, 8)}`;
    await client.query(
      `INSERT INTO iam_roles (id, tenant_id, key, name, permissions, updated_at) VALUES ($1, $2, $3, $4, $5, now())`,
      [randomUUID(), tenantId, key, roleName, ["tenant:read", "project:read"]],
    );
    for (let i = 0; i < holders; i++) {
      const userId = randomUUID();
      await client.query(`INSERT INTO users (id, name, email, email_verified, updated_at) VALUES ($1, $2, $3, true, now())`, [
        userId,
        `Holder ${i + 1} of ${roleName}`,
        `${key}-holder-${i + 1}@e2e.example.com`,
      ]);
      await client.query(`INSERT INTO tenant_members (id, tenant_id, user_id, role, member_type) VALUES ($1, $2, $3, $4, 'member')`, [
        randomUUID(),
        tenantId,
        userId,
        key,
      ]);
    }
    return roleName;
  } finally {
    await client.end();
  }
}
