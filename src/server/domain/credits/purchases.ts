import type { DbTx } from "@/server/db/client";

// Credits bought with one-time payments (credit packs), written by billing's webhook processing
// (src/server/domain/billing/process-webhook.ts). A purchase is one lot referenced by its payment id and a
// refund one negative entry drawn from that lot, referenced by the refund id: UNIQUE (kind, reference)
// makes a retried webhook a no-op.

export interface CreditPurchase {
  id: string;
  tenantId: string;
  amount: number;
}

/**
 * Credits a paid credit pack: one purchase lot of `credits` for `paymentId`, dated when the customer paid
 * (the provider's time, not when a retry got to it: the ledger's history and the expiry then agree).
 * Returns false when the payment was credited before.
 */
export async function grantPurchasedCredits(
  tx: DbTx,
  input: { tenantId: string; paymentId: string; credits: number; expiresAt: Date | null; paidAt: Date },
): Promise<boolean> {
  const { count } = await tx.tenantCreditLedger.createMany({
    data: [
      {
        tenantId: input.tenantId,
        kind: "purchase",
        amount: input.credits,
        expiresAt: input.expiresAt,
        reference: input.paymentId,
        createdAt: input.paidAt,
      },
    ],
    skipDuplicates: true,
  });
  return count === 1;
}

/** The lot a payment bought, if it bought credits and was credited. */
export async function findCreditPurchase(tx: DbTx, paymentId: string): Promise<CreditPurchase | null> {
  return tx.tenantCreditLedger.findUnique({
    where: { kind_reference: { kind: "purchase", reference: paymentId } },
    select: { id: true, tenantId: true, amount: true },
  });
}

/**
 * Takes back `share` (0-1) of a purchase's credits for refund `refundId`; a full refund (share 1) takes all.
 * Returns the credits reversed and whether this call recorded them (false: the refund was recorded before).
 */
export async function reverseCreditsForRefund(
  tx: DbTx,
  input: { purchase: CreditPurchase; share: number; refundId: string; refundedAt: Date },
): Promise<{ credits: number; recorded: boolean }> {
  const { purchase } = input;
  const credits = Math.round(purchase.amount * input.share);
  const { count } = await tx.tenantCreditLedger.createMany({
    data: [{ tenantId: purchase.tenantId, kind: "refund", amount: -credits, reference: input.refundId, lotId: purchase.id, createdAt: input.refundedAt }],
    skipDuplicates: true,
  });
  return { credits, recorded: count === 1 };
}
