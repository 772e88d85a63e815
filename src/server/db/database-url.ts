import path from "node:path";

// The embedded PostgreSQL the dev launcher and the test runner start when DATABASE_URL is unset.
// A fixed port away from 5432, so a PostgreSQL the machine already runs is never touched.
export const EMBEDDED_PG = {
  port: Number(process.env.EMBEDDED_PG_PORT ?? 54329),
  user: "postgres",
  password: "postgres",
  database: "saas",
  dataDir: path.resolve(process.cwd(), ".data/postgres"),
} as const;

export function embeddedDatabaseUrl(database: string = EMBEDDED_PG.database, port: number = EMBEDDED_PG.port): string {
  return `postgresql://${EMBEDDED_PG.user}:${EMBEDDED_PG.password}@127.0.0.1:${port}/${database}`;
}

/** DATABASE_URL when set; otherwise the embedded database the dev launcher runs. */
export function resolveDatabaseUrl(): string {
  const fromEnv = process.env.DATABASE_URL?.trim();
  return fromEnv ? fromEnv : embeddedDatabaseUrl();
}

/** Same server, another database name (tests make one database per file). */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
