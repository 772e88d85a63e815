import type { Db } from "@/server/db/client";
import { lockTenantCredits, lockTenantUsage, TENANT_CREDITS_LOCK, tenantUsageLockName, type TenantLockName } from "@/server/db/locks";
import { awaitLockTurn } from "@/server/db/tenant-locks";
import { inTransaction, isClient, type Tx } from "@/server/db/transaction";
import { metricOverrun, USAGE_METRICS, type UsageMetric } from "./metrics";

// The locks recording usage takes (record-usage.ts): the tenant lock of each metric in the call that a
// limit can refuse (usage:<metric>, in name order), then the credits lock when a metric's excess is paid
// with credits. Calls that could push the same metric past its limit, or spend the same credits, run one
// after the other; a soft limit refuses nothing, so its calls run side by side. A call never waits on
// its transaction's timer: it queues in this process first, holding no connection, until the call ahead
// holds the locks (tenant-locks.ts), and its wait in the database, behind that call or another process,
// is bounded by lock_timeout. Either wait, when too long, refuses the call as busy (503 with
// Retry-After, src/server/db/pool-errors.ts).

/** How long a call waits in this process for the calls ahead of it: a queue of 100 clears well within it. */
const USAGE_TURN_MAX_WAIT_MS = 5_000;
/** How long one statement waits for a lock held elsewhere; the few lock statements fit inTransaction's 15 s timeout. */
const USAGE_LOCK_TIMEOUT_MS = 2_000;

/** Whether a limit on `plan` can refuse usage of `metric` (anything but a soft limit, or none), or credits pay for it. */
function canRefuse(plan: string, metric: UsageMetric): boolean {
  const strategy = metricOverrun(plan, metric);
  return (strategy !== null && strategy !== "soft") || USAGE_METRICS[metric].creditsCoverOverage;
}

/** The tenant locks that recording `metrics` on `plan` takes: the limited metrics in name order, then credits. */
function usageLocks(plan: string, metrics: readonly UsageMetric[]) {
  const limited = [...new Set(metrics)].sort().filter((metric) => canRefuse(plan, metric));
  const paysWithCredits = metrics.some((metric) => USAGE_METRICS[metric].creditsCoverOverage);
  const names: TenantLockName[] = [...limited.map(tenantUsageLockName), ...(paysWithCredits ? [TENANT_CREDITS_LOCK] : [])];
  return { limited, paysWithCredits, names };
}

/**
 * Runs fn holding the tenant's usage locks for `metrics`, with the tenant's plan. On a client in a
 * transaction of its own, opened when its turn comes (see above); in the caller's transaction the locks
 * are taken there (re-taking one already held is free).
 */
export async function withUsageLocks<T>(
  db: Db | Tx,
  input: { tenantId: string; metrics: readonly UsageMetric[] },
  fn: (tx: Tx, plan: string) => Promise<T>,
): Promise<T> {
  const { tenantId } = input;
  const plan = (await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { plan: true } })).plan;
  const locks = usageLocks(plan, input.metrics);
  const takeLocks = async (tx: Tx) => {
    for (const metric of locks.limited) await lockTenantUsage(tx, tenantId, metric);
    if (locks.paysWithCredits) await lockTenantCredits(tx, tenantId);
  };
  if (!isClient(db)) {
    await takeLocks(db);
    return fn(db, plan);
  }

  const letNextWait = await awaitLockTurn(tenantId, locks.names, USAGE_TURN_MAX_WAIT_MS);
  try {
    return await inTransaction(db, async (tx) => {
      await tx.$executeRaw`SELECT set_config('lock_timeout', ${`${USAGE_LOCK_TIMEOUT_MS}ms`}, true)`;
      await takeLocks(tx);
      letNextWait(); // the next call waits for these locks in the database: it starts the moment we commit
      return fn(tx, plan);
    });
  } finally {
    letNextWait();
  }
}
