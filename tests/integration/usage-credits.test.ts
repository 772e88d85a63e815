/**
 * Credits (src/server/domain/credits/ledger.ts): balance and lots derived from the append-only ledger,
 * consumption FIFO by earliest expiry (never-expiring last, then oldest), retries as no-ops, refusal
 * when the unexpired lots are short, and 50 concurrent consumers against a balance of 10.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { CreditLedgerKind } from "@/generated/prisma/client";
import { prisma } from "@/server/db/client";
import { isDatabaseBusy } from "@/server/db/pool-errors";
import { inTransaction } from "@/server/db/transaction";
import { availableCredits, consumeCredits, creditBalance, creditLots } from "@/server/domain/credits/ledger";
import { signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { DAY_MS } from "@/lib/time";

const now = new Date("2031-06-15T12:00:00Z");
const inDays = (days: number) => new Date(now.getTime() + days * DAY_MS);

let user: SignedInUser;
beforeAll(async () => {
  user = await signUpAndSignIn({ name: "Credits owner" });
});

async function newTenant(): Promise<string> {
  const tenant = await prisma.tenant.create({ data: { name: "Credits", slug: `credits-${randomUUID()}` } });
  return tenant.id;
}

async function lot(tenantId: string, amount: number, opts: { expiresAt?: Date | null; createdAt?: Date; kind?: Extract<CreditLedgerKind, "grant" | "purchase"> } = {}) {
  return prisma.tenantCreditLedger.create({
    data: { tenantId, kind: opts.kind ?? "purchase", amount, expiresAt: opts.expiresAt ?? null, createdAt: opts.createdAt ?? inDays(-30), reference: `lot-${randomUUID()}` },
  });
}

const consume = (tenantId: string, amount: number, reference = `test-${randomUUID()}`) =>
  inTransaction(prisma, (tx) => consumeCredits(tx, { tenantId, amount, reference, now }));

describe("credit lots and balance", () => {
  it("derive each lot's remaining from the entries drawing on it; expired lots have nothing to spend", async () => {
    const tenantId = await newTenant();
    const expired = await lot(tenantId, 100, { expiresAt: inDays(-1) });
    const purchase = await lot(tenantId, 1_000, { expiresAt: inDays(300) });
    const grant = await lot(tenantId, 50, { kind: "grant" });
    await prisma.tenantCreditLedger.create({ data: { tenantId, kind: "refund", amount: -400, lotId: purchase.id, reference: `refund-${randomUUID()}` } });

    expect(await creditBalance(prisma, tenantId)).toBe(100 + 1_000 + 50 - 400);
    expect(await creditLots(prisma, tenantId, now)).toEqual([
      { id: purchase.id, kind: "purchase", amount: 1_000, remaining: 600, expiresAt: purchase.expiresAt, createdAt: purchase.createdAt },
      { id: grant.id, kind: "grant", amount: 50, remaining: 50, expiresAt: null, createdAt: grant.createdAt },
    ]);
    expect((await creditLots(prisma, tenantId, now)).map((l) => l.id)).not.toContain(expired.id);
    expect(await availableCredits(prisma, tenantId, now)).toBe(650);
  });
});

describe("consumeCredits", () => {
  it("takes lots by earliest expiry, never-expiring last, oldest first among equals; one entry per lot touched", async () => {
    const tenantId = await newTenant();
    const never = await lot(tenantId, 10, { kind: "grant", createdAt: inDays(-90) });
    const late = await lot(tenantId, 10, { expiresAt: inDays(200) });
    const soonNewer = await lot(tenantId, 5, { expiresAt: inDays(10), createdAt: inDays(-1) });
    const soonOlder = await lot(tenantId, 5, { expiresAt: inDays(10), createdAt: inDays(-20) });

    const result = await consume(tenantId, 13, "job-1");
    expect(result).toEqual({
      duplicate: false,
      entries: [
        { lotId: soonOlder.id, amount: 5 },
        { lotId: soonNewer.id, amount: 5 },
        { lotId: late.id, amount: 3 },
      ],
    });
    const entries = await prisma.tenantCreditLedger.findMany({ where: { tenantId, kind: "consume" }, orderBy: { amount: "asc" } });
    expect(entries.map((e) => ({ amount: e.amount, lotId: e.lotId, reference: e.reference }))).toEqual([
      { amount: -5, lotId: expect.any(String), reference: `job-1:${entries[0]!.lotId}` },
      { amount: -5, lotId: expect.any(String), reference: `job-1:${entries[1]!.lotId}` },
      { amount: -3, lotId: late.id, reference: `job-1:${late.id}` },
    ]);

    // The rest of `late`, then the never-expiring grant.
    expect((await consume(tenantId, 9)).entries).toEqual([
      { lotId: late.id, amount: 7 },
      { lotId: never.id, amount: 2 },
    ]);
    expect(await creditBalance(prisma, tenantId)).toBe(30 - 22);
  });

  it("a retried reference consumes nothing more and returns the first call's entries", async () => {
    const tenantId = await newTenant();
    const only = await lot(tenantId, 10, { expiresAt: inDays(5) });
    const first = await consume(tenantId, 4, "retry-me");
    const again = await consume(tenantId, 4, "retry-me");
    expect(again).toEqual({ duplicate: true, entries: first.entries });
    expect(first.entries).toEqual([{ lotId: only.id, amount: 4 }]);
    expect(await creditBalance(prisma, tenantId)).toBe(6);
  });

  it("refuses with LIMIT_REACHED when the unexpired lots are short, writing nothing (expired credits do not count)", async () => {
    const tenantId = await newTenant();
    await lot(tenantId, 100, { expiresAt: inDays(-1) });
    await lot(tenantId, 3, { expiresAt: inDays(1) });
    await expect(consume(tenantId, 4)).rejects.toMatchObject({ code: "LIMIT_REACHED", message: expect.stringMatching(/needs 4 and 3 are left/) });
    expect(await prisma.tenantCreditLedger.count({ where: { tenantId, kind: "consume" } })).toBe(0);
    expect((await consume(tenantId, 3)).entries).toHaveLength(1);
  });

  it("50 concurrent consumers of 1 credit against a balance of 10: exactly 10 succeed, the ledger adds up to 0", async () => {
    const tenantId = user.tenantId;
    const a = await lot(tenantId, 6, { expiresAt: inDays(30) });
    const b = await lot(tenantId, 4, { kind: "grant" });
    // As a client would: a consumer that found the database busy (no connection within the wait, on a
    // loaded machine) tries again with the same reference; only the credit rule decides who wins.
    const consumeRetryingBusy = async (reference: string): Promise<unknown> => {
      for (;;) {
        try {
          return await consume(tenantId, 1, reference);
        } catch (error) {
          if (!isDatabaseBusy(error) && !/Unable to start a transaction/.test(String(error))) throw error;
        }
      }
    };
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => consumeRetryingBusy(`race-${i}`)));
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    expect(won).toHaveLength(10);
    expect(lost.every((r) => (r.reason as { code?: string }).code === "LIMIT_REACHED")).toBe(true);

    const consumed = await prisma.tenantCreditLedger.findMany({ where: { tenantId, kind: "consume" } });
    expect(consumed).toHaveLength(10);
    expect(consumed.filter((e) => e.lotId === a.id)).toHaveLength(6);
    expect(consumed.filter((e) => e.lotId === b.id)).toHaveLength(4);
    expect(consumed.reduce((sum, e) => sum + e.amount, 0)).toBe(-10);
    expect(await creditBalance(prisma, tenantId)).toBe(0);
    expect(await creditLots(prisma, tenantId, now)).toEqual([]);
  });
});
