import type { Db } from "@/server/db/client";
import { inTransaction } from "@/server/db/transaction";
import { consumeCredits } from "@/server/domain/credits/ledger";
import { fireUsageAlerts } from "@/server/domain/usage/alerts";
import { metricLimit, usagePeriod, type UsageMetric } from "@/server/domain/usage/metrics";
import type { DemoUsage } from "./personas";
import { DAY_MS, HOUR_MS } from "@/lib/time";

// A persona's usage this month. History is written as rows (recordUsage only accepts events from the last
// hour, as a live app should); what follows from it goes through the real code: the threshold alerts and
// their notices, and spending a credit grant through the ledger.

export interface UsageHistoryTarget {
  tenantId: string;
  plan: string;
  /** Who acted, in turn: the owner first, then members and guests. */
  actors: readonly { userId: string; type: "member" | "guest" }[];
  projectIds: readonly string[];
  usage: DemoUsage;
}

/** Splits `total` into whole numbers in proportion to `weights` (the remainder goes to the first ones). */
function spread(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.floor((total * w) / sum));
  let left = total - parts.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % parts.length, left--) parts[i]! += 1;
  return parts;
}

/** A working week's rhythm for the daily chart: quieter weekends, some day-to-day variation. */
function dayWeight(date: Date): number {
  const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
  return (weekend ? 0.35 : 1) * (0.75 + ((date.getUTCDate() * 37) % 50) / 100);
}

/** Writes each target's usage once (keys seed:usage:<tenant>:<metric>:<day>:<n>); a second run adds nothing. */
export async function seedUsageHistory(db: Db, targets: readonly UsageHistoryTarget[], now: Date): Promise<number> {
  const period = usagePeriod(now);
  const days = Math.max(1, Math.floor((now.getTime() - period.start.getTime()) / DAY_MS) + 1);
  let written = 0;
  for (const target of targets) {
    const shares: [UsageMetric, number][] = [
      ["api_calls", target.usage.apiCallsShare],
      ["ai_credits", target.usage.aiCreditsShare],
    ];
    await inTransaction(db, async (tx) => {
      for (const [metric, share] of shares) {
        const limit = metricLimit(target.plan, metric) ?? 0;
        const total = Math.round(share * limit);
        const weights = Array.from({ length: days }, (_, day) => dayWeight(new Date(period.start.getTime() + day * DAY_MS)));
        const rows = spread(total, weights).flatMap((units, day) => {
          // Days before today at noon UTC; today's share an hour ago (never before the month began).
          const occurredAt =
            day === days - 1
              ? new Date(Math.max(period.start.getTime(), now.getTime() - HOUR_MS))
              : new Date(period.start.getTime() + day * DAY_MS + DAY_MS / 2);
          return units <= 0
            ? []
            : spread(units, target.actors.map(() => 1)).flatMap((share, i) => {
                const actor = target.actors[i]!;
                if (share <= 0) return [];
                return [
                  {
                    tenantId: target.tenantId,
                    idempotencyKey: `seed:usage:${metric}:${day + 1}:${i}`,
                    metric,
                    units: share,
                    projectId: target.projectIds[(day + i) % Math.max(1, target.projectIds.length)] ?? null,
                    actorUserId: actor.userId,
                    actorType: actor.type,
                    occurredAt,
                  },
                ];
              });
        });
        const { count } = await tx.usageEvent.createMany({ data: rows, skipDuplicates: true });
        written += count;
        if (count > 0) await fireUsageAlerts(tx, { tenantId: target.tenantId, plan: target.plan, metric, used: total, period });
      }
      const grant = target.usage.spentGrant;
      if (grant) {
        const reference = `seed:grant:${target.tenantId}`;
        const { count } = await tx.tenantCreditLedger.createMany({
          data: [{ tenantId: target.tenantId, kind: "grant", amount: grant.credits, reference, createdAt: new Date(now.getTime() - grant.grantedDaysAgo * DAY_MS) }],
          skipDuplicates: true,
        });
        if (count > 0) await consumeCredits(tx, { tenantId: target.tenantId, amount: grant.credits, reference: `seed:spend:${target.tenantId}`, now });
      }
    });
  }
  return written;
}
