import type { Db, DbTx } from "./client";
/** A client that opens transactions of its own. (A transaction client has $transaction too: Prisma 7 nests a savepoint.) */
export function isClient(db: Db | DbTx): db is Db {
  return "$connect" in db;
}
/** Runs fn in a transaction: a new one on a client, the caller's when db already is one. */
export async function inTransaction<T>(db: Db | DbTx, fn: (tx: DbTx) => Promise<T>): Promise<T> {
  if ("$transaction" in db && typeof db.$transaction === "function") return (db as Db).$transaction(fn, { timeout: 15_000 });
  return fn(db);
}
