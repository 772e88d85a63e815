import pg from "pg";
// Server-level chores (create / drop databases) over a plain pg connection to the database named in
// the test server's URL (it must exist; CREATE / DROP DATABASE work from any database). Used by the global setup, the per-file setup and the migration tests.

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

async function withAdmin<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** CREATE DATABASE, optionally as a copy of `template` (which must have no open connections). */
export async function createDatabase(serverUrl: string, database: string, template?: string): Promise<void> {
  await withAdmin(serverUrl, async (client) => {
    // The default strategy (WAL_LOG) measured faster here than FILE_COPY, which checkpoints twice.
    const from = template ? ` TEMPLATE ${ident(template)}` : "";
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${ident(database)}${from}`);
        return;
      } catch (error) {
        // "source database is being accessed by other users": a sibling file's copy is still closing. Retry briefly.
        if (attempt < 20 && (error as { code?: string }).code === "55006") {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        throw error;
      }
    }
  });
}

/** DROP DATABASE, terminating whatever still holds a connection to it. */
export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  await withAdmin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${ident(database)} WITH (FORCE)`));
}
