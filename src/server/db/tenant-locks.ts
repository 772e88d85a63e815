import type { TenantLockName } from "./locks";
import { DatabaseBusyError } from "./pool-errors";

// Per-tenant advisory locks serialize work that must not race inside one tenant (usage against a plan
// limit, spending credits: src/server/domain/usage/). A call that waits for one in the database holds a
// pooled connection and runs down its transaction's timer meanwhile, so a burst of one tenant's calls
// would hold the whole pool (DB_POOL_SIZE) for everyone and end on the timer. Calls of this process
// therefore queue for a lock here first, in memory and in order, and open their transaction when the
// call ahead holds the lock: the database then sees at most one waiter per lock and process, right
// behind the holder (so a queue of one tenant holds two connections, and no time is lost between calls).
// The locks themselves are taken with lockTenantUsage and lockTenantCredits (locks.ts).

/** Per `${name}:${tenantId}`: settles when the last call queued for that lock in this process lets the next go. */
const queueEnds = new Map<string, Promise<void>>();

/**
 * Waits until every call queued earlier in this process for one of the tenant's locks `names` (pass them
 * in the order the transaction takes them) has let the next go; returns the function that does that:
 * call it once the locks are held (or the call failed). Past `maxWaitMs` it leaves the queues and throws
 * DatabaseBusyError (a 503 with Retry-After).
 */
export async function awaitLockTurn(tenantId: string, names: readonly TenantLockName[], maxWaitMs: number): Promise<() => void> {
  const deadline = Date.now() + maxWaitMs;
  const releases: (() => void)[] = [];
  const releaseAll = () => releases.forEach((release) => release());
  try {
    for (const name of names) releases.push(await turnOf(`${name}:${tenantId}`, deadline));
  } catch (error) {
    releaseAll();
    throw error;
  }
  return releaseAll;
}

async function turnOf(key: string, deadline: number): Promise<() => void> {
  const ahead = queueEnds.get(key) ?? Promise.resolve();
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  const end = ahead.then(() => done);
  queueEnds.set(key, end);
  void end.then(() => {
    if (queueEnds.get(key) === end) queueEnds.delete(key);
  });

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()), true)));
  const late = await Promise.race([ahead.then(() => false), timedOut]);
  clearTimeout(timer);
  if (late) {
    release(); // the calls behind this one now wait only for those ahead of it
    throw new DatabaseBusyError(`Waited over the limit for the lock ${key}`);
  }
  return release;
}
