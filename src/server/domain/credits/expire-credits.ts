import { z } from "zod";
import type { DbTx } from "@/server/db/client";
import { lockTenantCredits } from "@/server/db/locks";
import { inTransaction, type Tx } from "@/server/db/transaction";
import { defineJob } from "@/server/domain/jobs";

// Credit expiry: a grant or purchase lot whose expiresAt has come gives up what is left of it. The
// ledger is append-only, so expiring means appending one `expire` entry per lot: amount = -remaining,
// lotId = the lot, reference `expire:<lotId>` (unique per kind, so a lot expires at most once). A lot's
// remaining is its amount plus every entry drawn from it (consume, refund, expire with its lotId); a lot
// used up before it expired gets no entry. Entries already in the ledger are never touched.
//
// Two runners, a retry, or a consumer racing the expiry: each lot is expired in its own transaction
// under the tenant's credit lock (the one consumeCredits takes, ledger.ts), and reads the remaining
// only then. Whoever comes second sees the first one's entries, so a lot never goes below zero; the
// unique reference backs this up.

const PAGE_SIZE = 500;

export const expireReference = (lotId: string) => `expire:${lotId}`;

export interface ExpireCreditsResult {
  /** Lots expired by this run. */
  lots: number;
  /** Credits they still held. */
  credits: number;
}

/** Expires one lot if it still holds credits; returns the credits expired (0: nothing left, or done already). */
async function expireLot(tx: Tx, lot: { id: string; tenantId: string }, now: Date): Promise<number> {
  await lockTenantCredits(tx, lot.tenantId);
  const { amount } = await tx.tenantCreditLedger.findUniqueOrThrow({ where: { id: lot.id }, select: { amount: true } });
  const drawn = await tx.tenantCreditLedger.aggregate({ where: { lotId: lot.id }, _sum: { amount: true } });
  const remaining = amount + (drawn._sum.amount ?? 0);
  if (remaining <= 0) return 0;
  const { count } = await tx.tenantCreditLedger.createMany({
    data: [{ tenantId: lot.tenantId, kind: "expire", amount: -remaining, lotId: lot.id, reference: expireReference(lot.id), createdAt: now }],
    skipDuplicates: true,
  });
  return count === 1 ? remaining : 0;
}

export async function expireCredits(db: DbTx, { now }: { now: Date }): Promise<ExpireCreditsResult> {
  const result: ExpireCreditsResult = { lots: 0, credits: 0 };
  let afterId = "";
  for (;;) {
    // Lots due with credits left (a snapshot: expireLot re-checks under the lock).
    const lots = await db.$queryRaw<{ id: string; tenantId: string }[]>`
      SELECT l.id, l.tenant_id AS "tenantId" FROM tenant_credit_ledgers l
      WHERE l.kind IN ('grant', 'purchase') AND l.expires_at <= ${now}::timestamp(3) AND l.id > ${afterId}
        AND l.amount + COALESCE((SELECT sum(d.amount) FROM tenant_credit_ledgers d WHERE d.lot_id = l.id), 0) > 0
      ORDER BY l.id
      LIMIT ${PAGE_SIZE}`;
    for (const lot of lots) {
      const credits = await inTransaction(db, (tx) => expireLot(tx, lot, now));
      if (credits > 0) {
        result.lots += 1;
        result.credits += credits;
      }
    }
    if (lots.length < PAGE_SIZE) return result;
    afterId = lots[lots.length - 1]!.id;
  }
}

export const expireCreditsJob = defineJob({
  name: "credits.expire",
  cron: "0 * * * *",
  parse: (payload) => z.object({ scheduledAt: z.iso.datetime() }).parse(payload),
  run: (_payload, ctx) => expireCredits(ctx.db, { now: new Date() }),
  retry: { maxAttempts: 3, baseDelayMs: 30_000, maxDelayMs: 10 * 60_000 },
});
