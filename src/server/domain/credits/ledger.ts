import type { CreditLedgerKind } from "@/generated/prisma/client";
import type { DbTx } from "@/server/db/client";
import { lockTenantCredits } from "@/server/db/locks";
import type { Tx } from "@/server/db/transaction";
import { AppError } from "@/server/domain/errors";

// Purchased and granted credits, derived from the append-only ledger (tenant_credit_ledgers):
// - the balance is the sum of all entries;
// - a lot is a grant or purchase entry; its remaining credits are its amount plus every consume, expire
//   and refund entry drawing from it (lotId). An expired lot has nothing left to spend, whether or not
//   the expiry job has written its expire entry yet.
// Consumption takes lots FIFO by earliest expiry (never-expiring last, then oldest) under a per-tenant
// lock, so concurrent consumers never spend the same credit twice and never drive a lot below zero.

export interface CreditLot {
  id: string;
  kind: Extract<CreditLedgerKind, "grant" | "purchase">;
  amount: number;
  remaining: number;
  expiresAt: Date | null;
  createdAt: Date;
}

export async function creditBalance(db: DbTx, tenantId: string): Promise<number> {
  const sum = await db.tenantCreditLedger.aggregate({ where: { tenantId }, _sum: { amount: true } });
  return sum._sum.amount ?? 0;
}

/** The tenant's unexpired lots with credits left, in the order consumption takes them. */
export async function creditLots(db: DbTx, tenantId: string, now: Date): Promise<CreditLot[]> {
  const rows = await db.$queryRaw<{ id: string; kind: CreditLot["kind"]; amount: number; remaining: bigint; expires_at: Date | null; created_at: Date }[]>`
    SELECT lot.id, lot.kind::text AS kind, lot.amount, lot.amount + COALESCE(SUM(drawn.amount), 0) AS remaining, lot.expires_at, lot.created_at
    FROM tenant_credit_ledgers lot
    LEFT JOIN tenant_credit_ledgers drawn ON drawn.lot_id = lot.id AND drawn.tenant_id = lot.tenant_id
    WHERE lot.tenant_id = ${tenantId} AND lot.kind IN ('grant', 'purchase')
      AND (lot.expires_at IS NULL OR lot.expires_at > ${now}::timestamp(3))
    GROUP BY lot.id
    HAVING lot.amount + COALESCE(SUM(drawn.amount), 0) > 0
    ORDER BY lot.expires_at ASC NULLS LAST, lot.created_at ASC, lot.id ASC`;
  return rows.map((r) => ({ id: r.id, kind: r.kind, amount: r.amount, remaining: Number(r.remaining), expiresAt: r.expires_at, createdAt: r.created_at }));
}

/** Credits the tenant can spend at `now`: the remaining credits of its unexpired lots. */
export async function availableCredits(db: DbTx, tenantId: string, now: Date): Promise<number> {
  return (await creditLots(db, tenantId, now)).reduce((sum, lot) => sum + lot.remaining, 0);
}

export interface CreditConsumption {
  /** The consume entries (one per lot drawn from); those of the first call when this was a retry. */
  entries: { lotId: string; amount: number }[];
  /** True when `reference` had already been consumed: nothing new was written. */
  duplicate: boolean;
}

/**
 * Spends `amount` credits in the caller's transaction: one negative consume entry per lot touched,
 * referenced `${reference}:${lotId}`. A reference already consumed is a no-op (a retried call spends
 * nothing twice). Refuses with LIMIT_REACHED when the unexpired lots hold less than `amount`, so
 * consumption never overdraws.
 */
export async function consumeCredits(
  tx: Tx,
  input: { tenantId: string; amount: number; reference: string; now: Date },
): Promise<CreditConsumption> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new Error(`consumeCredits: amount must be a positive integer, got ${input.amount}`);
  await lockTenantCredits(tx, input.tenantId);
  const prefix = `${input.reference}:`;
  const earlier = await tx.$queryRaw<{ lot_id: string; amount: number }[]>`
    SELECT lot_id, amount FROM tenant_credit_ledgers
    WHERE tenant_id = ${input.tenantId} AND kind = 'consume' AND starts_with(reference, ${prefix})
    ORDER BY created_at, id`;
  if (earlier.length > 0) return { entries: earlier.map((e) => ({ lotId: e.lot_id, amount: -e.amount })), duplicate: true };

  const lots = await creditLots(tx, input.tenantId, input.now);
  const available = lots.reduce((sum, lot) => sum + lot.remaining, 0);
  if (available < input.amount) {
    throw new AppError(
      "LIMIT_REACHED",
      `Not enough AI credits: this needs ${input.amount.toLocaleString("en-US")} and ${available.toLocaleString("en-US")} are left. Buy an AI credit pack to continue.`,
      { key: "credits.notEnough", params: { needed: input.amount, available } },
    );
  }
  const entries: CreditConsumption["entries"] = [];
  let missing = input.amount;
  for (const lot of lots) {
    if (missing === 0) break;
    const take = Math.min(lot.remaining, missing);
    entries.push({ lotId: lot.id, amount: take });
    missing -= take;
  }
  await tx.tenantCreditLedger.createMany({
    data: entries.map((e) => ({ tenantId: input.tenantId, kind: "consume" as const, amount: -e.amount, lotId: e.lotId, reference: `${prefix}${e.lotId}` })),
  });
  return { entries, duplicate: false };
}
