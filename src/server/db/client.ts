import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, type Prisma } from "@/generated/prisma/client";
import { resolveDatabaseUrl } from "./database-url";

export type Db = PrismaClient;
/** A client or an interactive transaction: what domain functions take. One that takes locks takes a Tx (transaction.ts). */
export type DbTx = Prisma.TransactionClient;

/**
 * Connections per process (pg's default, made explicit). The tRPC batch cap (TRPC_MAX_BATCH_SIZE in
 * src/trpc/batch.ts) is this number: the calls of one request, run side by side, never queue for a
 * connection behind each other. Change both together; the PostgreSQL server must allow this many per
 * app process (plus the worker's).
 */
export const DB_POOL_SIZE = 10;
/**
 * How long a query waits for a free connection before it fails (pg's default is forever, so an exhausted
 * pool hung requests). The API answers that failure 503 with Retry-After (src/server/db/pool-errors.ts).
 */
export const DB_CONNECTION_TIMEOUT_MS = 5_000;

export function createPrismaClient(url: string = resolveDatabaseUrl()): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: DB_POOL_SIZE, connectionTimeoutMillis: DB_CONNECTION_TIMEOUT_MS }),
  });
}

// One client per process; reused across hot reloads in development.
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };
export const prisma: PrismaClient = globalForPrisma.prisma ?? createPrismaClient();
if (process.env.NODE_ENV !== "production") globalForPrisma.prisma = prisma;
