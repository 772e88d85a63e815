/**
 * "The database is busy": no connection, or no lock, could be had in time. A moment later the same
 * request works, so the API answers 503 with Retry-After (src/server/http/api-responses.ts), never a 500.
 * The shapes, as the pg driver adapter produces them (tests/integration/pool-exhaustion.test.ts makes the
 * first two, tests/integration/usage-contention.test.ts the lock timeouts):
 * - P2028 "Transaction API error: Unable to start a transaction in the given time": a $transaction
 *   waited its maxWait (2 s by default) for a connection; P2028 is also a transaction that outlived its
 *   timeout ("A commit cannot be executed on an expired transaction"), rolled back;
 * - pg-pool's plain Error "timeout exceeded when trying to connect": any other query waited
 *   connectionTimeoutMillis (src/server/db/client.ts); the adapter passes it through unwrapped;
 * - P2024 (Prisma's own pool, used without a driver adapter) and P2037 (PostgreSQL refused a new
 *   connection: "too many clients already");
 * - SQLSTATE 55P03 lock_not_available: a statement waited past the transaction's lock_timeout (P2010 from
 *   a raw query, P2039 from a model query, the SQLSTATE in meta.driverAdapterError);
 * - DatabaseBusyError: our own wait for a lock's turn ran out (src/server/db/tenant-locks.ts).
 * Edit when the driver or Prisma changes: the tests fail if a shape changes.
 */
/** What a caller reads then (tRPC and the auth route). */
export const DATABASE_BUSY_MESSAGE = "The service is busy. Try again in a moment.";

/** Thrown by our own code that gave up waiting for the database in time. */
export class DatabaseBusyError extends Error {
  override name = "DatabaseBusyError";
}

const BUSY_PRISMA_CODES = new Set(["P2024", "P2028", "P2037"]);
const PG_POOL_TIMEOUT = "timeout exceeded when trying to connect";
const LOCK_NOT_AVAILABLE = "55P03";

type DriverAdapterFailure = { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } };

export function isDatabaseBusy(error: unknown): boolean {
  // Wrappers (TRPCError, a domain error with `cause`) keep the original as cause: look a few levels down.
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof DatabaseBusyError) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && BUSY_PRISMA_CODES.has(code)) return true;
    if (current.message === PG_POOL_TIMEOUT) return true;
    if ((current as DriverAdapterFailure).meta?.driverAdapterError?.cause?.originalCode === LOCK_NOT_AVAILABLE) return true;
    current = current.cause;
  }
  return false;
}
