import type { Db, DbTx } from "./client";

declare const inTransactionBrand: unique symbol;
/**
 * A client inside an open transaction. Only inTransaction's callback gets one, so a function that takes
 * locks (row locks, advisory locks: src/server/db/locks.ts) asks for a Tx and cannot be handed a plain
 * client, where its lock would be released at the end of the statement that took it.
 */
export type Tx = DbTx & { readonly [inTransactionBrand]: true };

/** A client that opens transactions of its own. (A transaction client has $transaction too: Prisma 7 nests a savepoint.) */
export function isClient(db: Db | DbTx): db is Db {
  return "$connect" in db;
}
/** Runs fn in a transaction: a new one on a client, the caller's when db already is one. */
export async function inTransaction<T>(db: Db | DbTx, fn: (tx: Tx) => Promise<T>, options: { timeout?: number; maxWait?: number } = {}): Promise<T> {
  if ("$transaction" in db && typeof db.$transaction === "function") return (db as Db).$transaction((tx) => fn(tx as Tx), { timeout: 15_000, ...options });
  return fn(db as Tx);
}

/**
 * A use case that owns its transaction: `export const renameTeam = transactional(async (tx, input) => ...)`.
 * Called with a client it opens one; called inside another use case's transaction it joins it.
 * Routers call use cases with ctx.db and never open a transaction themselves.
 */
export function transactional<I, R>(useCase: (tx: Tx, input: I) => Promise<R>): (db: Db | DbTx, input: I) => Promise<R> {
  return (db, input) => inTransaction(db, (tx) => useCase(tx, input));
}
