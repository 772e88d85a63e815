/**
 * Credit expiry with a controlled clock: a grant or purchase lot whose expiresAt has come gets one expire
 * entry for what is left of it (a partly consumed lot only its remaining, a used-up lot none, a lot not
 * yet due or without expiry nothing), exactly once across reruns and concurrent runners, without touching
 * any other entry; a consumer still spending from the lot is waited for; the hourly credits.expire job.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { CreditLedgerKind } from "@/generated/prisma/client";
import { prisma } from "@/server/db/client";
import { inTransaction } from "@/server/db/transaction";
import { expireCredits, expireCreditsJob, expireReference } from "@/server/domain/credits/expire-credits";
import { consumeCredits } from "@/server/domain/credits/ledger";
import type { JobDefinition } from "@/server/domain/jobs";
import { planTenant, runCronJob } from "../helpers/usage-jobs";
import { HOUR_MS } from "@/lib/time";

const T = new Date(Date.UTC(2026, 4, 10, 12));
const at = (ms: number) => new Date(T.getTime() + ms);

/** A grant or purchase lot of `amount` credits. */
const lot = (tenantId: string, kind: "grant" | "purchase", amount: number, expiresAt: Date | null) =>
  prisma.tenantCreditLedger.create({ data: { tenantId, kind, amount, expiresAt, reference: `${kind}-${crypto.randomUUID()}` } });

/** An entry drawn from a lot (consume / refund). */
const draw = (lotRow: { id: string; tenantId: string }, kind: CreditLedgerKind, amount: number) =>
  prisma.tenantCreditLedger.create({ data: { tenantId: lotRow.tenantId, kind, amount, lotId: lotRow.id, reference: `${kind}-${crypto.randomUUID()}` } });

const ledgerOf = (tenantId: string) => prisma.tenantCreditLedger.findMany({ where: { tenantId }, orderBy: { id: "asc" } });
const expiresOf = (tenantId: string) => prisma.tenantCreditLedger.findMany({ where: { tenantId, kind: "expire" }, orderBy: { amount: "asc" } });
const balanceOf = async (tenantId: string) => (await prisma.tenantCreditLedger.aggregate({ where: { tenantId }, _sum: { amount: true } }))._sum.amount;

describe("expireCredits", () => {
  it("expires what is left of each due lot once, and touches nothing else", async () => {
    const tenantId = await planTenant("pro");
    const partlyUsed = await lot(tenantId, "purchase", 1_000, T);
    await draw(partlyUsed, "consume", -300);
    await draw(partlyUsed, "refund", -100);
    const grant = await lot(tenantId, "grant", 50, at(-HOUR_MS));
    const usedUp = await lot(tenantId, "purchase", 200, at(-HOUR_MS));
    await draw(usedUp, "consume", -200);
    const notYet = await lot(tenantId, "purchase", 500, at(1));
    await draw(notYet, "consume", -20);
    await lot(tenantId, "purchase", 70, null); // never expires
    const before = await ledgerOf(tenantId);

    expect(await expireCredits(prisma, { now: T })).toEqual({ lots: 2, credits: 650 });
    expect(await expiresOf(tenantId)).toMatchObject([
      { kind: "expire", amount: -600, lotId: partlyUsed.id, reference: expireReference(partlyUsed.id), createdAt: T, expiresAt: null },
      { kind: "expire", amount: -50, lotId: grant.id, reference: expireReference(grant.id) },
    ]);
    const after = await ledgerOf(tenantId);
    expect(after.filter((e) => e.kind !== "expire")).toEqual(before);
    expect(await balanceOf(tenantId)).toBe(480 + 70);

    // A rerun expires nothing again; an hour later the next lot is due.
    expect(await expireCredits(prisma, { now: T })).toEqual({ lots: 0, credits: 0 });
    expect(await expireCredits(prisma, { now: at(HOUR_MS) })).toEqual({ lots: 1, credits: 480 });
    expect((await expiresOf(tenantId)).map((e) => [e.lotId, e.amount])).toEqual([
      [partlyUsed.id, -600],
      [notYet.id, -480],
      [grant.id, -50],
    ]);
    expect(await balanceOf(tenantId)).toBe(70);
  });

  it("writes one entry per lot with concurrent runners", async () => {
    const tenantId = await planTenant("business");
    const lots = await Promise.all(Array.from({ length: 8 }, (_, i) => lot(tenantId, i % 2 ? "grant" : "purchase", 100 + i, at(-i * HOUR_MS))));
    const results = await Promise.all(Array.from({ length: 4 }, () => expireCredits(prisma, { now: T })));
    expect(results.reduce((n, r) => n + r.lots, 0)).toBe(8);
    const entries = await expiresOf(tenantId);
    expect(entries.map((e) => e.lotId).sort()).toEqual(lots.map((l) => l.id).sort());
    expect(await balanceOf(tenantId)).toBe(0);
  });

  it("waits for a consumer spending from the lot at its last moment and expires only what is left", async () => {
    const tenantId = await planTenant("pro");
    await lot(tenantId, "purchase", 1_000, T);
    let expiry: Promise<unknown> | undefined;
    await inTransaction(prisma, async (tx) => {
      // Consumption a millisecond before the lot expires, still open when the expiry run starts.
      await consumeCredits(tx, { tenantId, amount: 100, reference: `call-${crypto.randomUUID()}`, now: at(-1) });
      expiry = expireCredits(prisma, { now: T });
      await sleep(200);
    });
    expect(await expiry).toEqual({ lots: 1, credits: 900 });
    expect(await balanceOf(tenantId)).toBe(0);
  });
});

describe("credits.expire", () => {
  it("runs hourly on the real clock", async () => {
    expect(expireCreditsJob.cron).toBe("0 * * * *");
    const tenantId = await planTenant("pro");
    const purchase = await lot(tenantId, "purchase", 1_000, new Date(Date.now() - 60_000));
    expect(await runCronJob(expireCreditsJob as JobDefinition<unknown>)).toMatchObject([{ status: "succeeded" }]);
    expect(await expiresOf(tenantId)).toMatchObject([{ lotId: purchase.id, amount: -1_000 }]);
  });
});
