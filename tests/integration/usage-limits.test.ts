/**
 * Plan limits end to end through the procedures: the project gauge (upgrade on starter, hard on
 * business, a race at 2 of 3), the monthly api_calls limit (upgrade on starter, soft on pro), AI credits
 * (hard without purchased credits, beyond the allowance paid from purchased credits FIFO by expiry),
 * LIMIT_REACHED's message and data.limit, and the entitlement cache (invalidated by recordUsage, project
 * deletion and a plan change).
 */
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "@/server/db/client";
import type { PlanId } from "@/server/domain/plans/plans";
import { checkEntitlement, entitlementCacheStats } from "@/server/domain/usage/entitlements";
import { usagePeriod, type UsageMetric } from "@/server/domain/usage/metrics";
import { recordUsage } from "@/server/domain/usage/record-usage";
import { signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { setPlan } from "../helpers/tenancy";
import { errorShapeOf, expectTRPCError } from "../helpers/trpc-errors";
import { DAY_MS } from "@/lib/time";

let owner: SignedInUser;

beforeEach(async () => {
  owner = await signUpAndSignIn({ name: "Limits owner" });
});

/** This period's usage so far, as the aggregation job would have stored it (counted through a minute ago). */
async function usedThisPeriod(tenantId: string, metric: UsageMetric, units: number) {
  const period = usagePeriod(new Date());
  await prisma.usageAggregate.create({
    data: { tenantId, metric, periodStart: period.start, periodEnd: period.end, units: BigInt(units), aggregatedThrough: new Date(Date.now() - 60_000) },
  });
}

async function purchase(tenantId: string, credits: number, expiresInDays: number) {
  return prisma.tenantCreditLedger.create({
    data: { tenantId, kind: "purchase", amount: credits, expiresAt: new Date(Date.now() + expiresInDays * DAY_MS), reference: `pay_${randomUUID()}` },
  });
}

async function limitError(promise: Promise<unknown>) {
  const error = await expectTRPCError(promise, "FORBIDDEN", "LIMIT_REACHED");
  return { message: error.message, limit: errorShapeOf(error).data.limit };
}

describe("project limit (a gauge of live projects)", () => {
  it("starter: the 4th project is refused with the upgrade path; deleting one makes room", async () => {
    const created = [];
    for (const name of ["One", "Two", "Three"]) created.push(await owner.caller.projects.create({ name }));
    expect(created.map((p) => p.usageWarning)).toEqual([null, null, null]);

    const refused = await limitError(owner.caller.projects.create({ name: "Four" }));
    expect(refused.message).toBe("Starter allows 3 projects; this workspace has 3. Upgrade to Pro for 50.");
    expect(refused.limit).toEqual({
      metric: "projects",
      limit: 3,
      used: 3,
      requested: 1,
      strategy: "upgrade",
      upgradeTo: "pro",
      creditsAvailable: 0,
      creditsNeeded: 0,
    });
    // Nothing of the refused create is left behind: no project, no event, no audit row.
    expect(await prisma.project.count({ where: { tenantId: owner.tenantId } })).toBe(3);
    expect(await prisma.usageEvent.count({ where: { tenantId: owner.tenantId, metric: "projects" } })).toBe(3);
    expect(await prisma.auditLog.count({ where: { tenantId: owner.tenantId, action: "project.created" } })).toBe(3);

    await owner.caller.projects.delete({ id: created[0]!.id });
    expect(await owner.caller.projects.create({ name: "Four" })).toMatchObject({ name: "Four" });
  });

  it("5 concurrent creates at 2 of 3: exactly one succeeds", async () => {
    await owner.caller.projects.create({ name: "First" });
    await owner.caller.projects.create({ name: "Second" });
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => owner.caller.projects.create({ name: `Racer ${i}` })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(errorShapeOf(r.reason).data.appCode).toBe("LIMIT_REACHED");
    expect(await prisma.project.count({ where: { tenantId: owner.tenantId, deletedAt: null } })).toBe(3);
    expect(await prisma.usageEvent.count({ where: { tenantId: owner.tenantId, metric: "projects" } })).toBe(3);
  });

  it("business: a hard limit, no upgrade offered, the way out named", async () => {
    await setPlan(owner.tenantId, "business");
    await prisma.project.createMany({ data: Array.from({ length: 500 }, (_, i) => ({ tenantId: owner.tenantId, name: `Bulk ${i}` })) });
    const refused = await limitError(owner.caller.projects.create({ name: "One too many" }));
    expect(refused.message).toBe("Business allows 500 projects; this workspace has 500. Delete projects you no longer need to make room.");
    expect(refused.limit).toMatchObject({ strategy: "hard", upgradeTo: null, limit: 500, used: 500 });
  });
});

describe("api_calls (monthly usage units)", () => {
  it("starter: usage beyond the month's units is refused with the upgrade to Pro; a batch refuses the event, not the call", async () => {
    await usedThisPeriod(owner.tenantId, "api_calls", 999);
    expect((await owner.caller.usage.ingest({ metric: "api_calls", units: 1, idempotencyKey: "last-one" })).status).toBe("counted");
    const refused = await limitError(owner.caller.usage.ingest({ metric: "api_calls", units: 1, idempotencyKey: "one-more" }));
    expect(refused.message).toBe("Starter includes 1,000 API calls per month; this workspace has used 1,000 this month. Upgrade to Pro for 50,000.");
    expect(refused.limit).toMatchObject({ metric: "api_calls", limit: 1_000, used: 1_000, strategy: "upgrade", upgradeTo: "pro" });

    const batch = await owner.caller.usage.ingestBatch({
      events: [
        { metric: "api_calls", units: 5, idempotencyKey: "batch-calls" },
        { metric: "storage_mb", units: 5, idempotencyKey: "batch-storage" },
      ],
    });
    expect(batch.results).toEqual([
      {
        idempotencyKey: "batch-calls",
        status: "refused",
        reason: "LIMIT_REACHED",
        message: "Starter includes 1,000 API calls per month; this workspace has used 1,000 this month. This needs 5 more. Upgrade to Pro for 50,000.",
        limit: expect.objectContaining({ requested: 5, upgradeTo: "pro" }),
      },
      { idempotencyKey: "batch-storage", status: "counted", eventId: expect.any(String), creditsUsed: 0, warning: null },
    ]);
  });

  it("pro: a soft limit, usage beyond it is counted and comes back with a warning", async () => {
    await setPlan(owner.tenantId, "pro");
    await usedThisPeriod(owner.tenantId, "api_calls", 49_999);
    const within = await owner.caller.usage.ingest({ metric: "api_calls", units: 1, idempotencyKey: "at-limit" });
    expect(within).toMatchObject({ status: "counted", warning: null });
    const beyond = await owner.caller.usage.ingest({ metric: "api_calls", units: 10, idempotencyKey: "beyond" });
    expect(beyond).toMatchObject({
      status: "counted",
      warning: {
        message: "Pro includes 50,000 API calls per month; this workspace has used 50,000 this month. This needs 10 more. Usage beyond the limit is billed as overage at the end of the month.",
        limit: { metric: "api_calls", strategy: "soft", limit: 50_000, used: 50_000, requested: 10, upgradeTo: null },
      },
    });
    expect(await owner.caller.usage.entitlement({ metric: "api_calls", units: 1 })).toMatchObject({ decision: "warn", used: 50_010, remaining: 0 });
  });
});

describe("ai_credits (monthly allowance, then purchased credits)", () => {
  it("without purchased credits, analysis beyond the allowance is refused (hard) and counts nothing at all", async () => {
    const project = await owner.caller.projects.create({ name: "Analysed" });
    await usedThisPeriod(owner.tenantId, "ai_credits", 49);
    const refused = await limitError(owner.caller.projects.runAnalysis({ id: project.id, requestId: "req-1" }));
    expect(refused.message).toBe(
      "Starter includes 50 AI credits per month; this workspace has used 49 this month. This needs 2 more. You have 0 purchased credits and need 1. Buy an AI credit pack to continue.",
    );
    expect(refused.limit).toEqual({ metric: "ai_credits", limit: 50, used: 49, requested: 2, strategy: "hard", upgradeTo: null, creditsAvailable: 0, creditsNeeded: 1 });
    // The API call of the refused analysis is not counted either.
    expect(await prisma.usageEvent.count({ where: { tenantId: owner.tenantId, metric: { in: ["api_calls", "ai_credits"] } } })).toBe(0);
  });

  it("beyond the allowance, purchased credits pay: earliest expiry first, the rest later, a retry pays nothing", async () => {
    const project = await owner.caller.projects.create({ name: "Analysed" });
    await usedThisPeriod(owner.tenantId, "ai_credits", 49);
    const late = await purchase(owner.tenantId, 100, 300);
    const soon = await purchase(owner.tenantId, 1, 10);

    const first = await owner.caller.projects.runAnalysis({ id: project.id, requestId: "req-1" });
    expect(first).toMatchObject({ duplicate: false, aiCredits: 2, purchasedCreditsUsed: 1 });
    expect(first.warnings).toEqual([
      {
        message: "Starter includes 50 AI credits per month; this workspace has used 49 this month. This needs 2 more. This uses 1 of your 101 purchased credits.",
        limit: expect.objectContaining({ metric: "ai_credits", creditsNeeded: 1, creditsAvailable: 101 }),
      },
    ]);
    const second = await owner.caller.projects.runAnalysis({ id: project.id, requestId: "req-2" });
    expect(second).toMatchObject({ duplicate: false, purchasedCreditsUsed: 2 });
    const retried = await owner.caller.projects.runAnalysis({ id: project.id, requestId: "req-2" });
    expect(retried).toEqual({ projectId: project.id, requestId: "req-2", duplicate: true, apiCalls: 1, aiCredits: 2, purchasedCreditsUsed: 0, warnings: [] });

    const consumed = await prisma.tenantCreditLedger.findMany({ where: { tenantId: owner.tenantId, kind: "consume" }, orderBy: { createdAt: "asc" } });
    expect(consumed.map((e) => [e.lotId, e.amount])).toEqual([
      [soon.id, -1],
      [late.id, -2],
    ]);
    expect(await prisma.usageEvent.count({ where: { tenantId: owner.tenantId, metric: "api_calls" } })).toBe(2);
    expect(await owner.caller.usage.entitlement({ metric: "ai_credits", units: 1 })).toMatchObject({
      decision: "warn",
      used: 53,
      creditsAvailable: 98,
      creditsNeeded: 1,
    });
  });
});

describe("checkEntitlement's cache", () => {
  const check = (plan: PlanId, units = 1) => checkEntitlement(prisma, { tenant: { id: owner.tenantId, plan }, metric: "api_calls", units });

  it("answers from the cache until this process records usage; a plan change misses", async () => {
    const before = entitlementCacheStats();
    expect(await check("starter")).toMatchObject({ decision: "allow", used: 0, limit: 1_000, remaining: 1_000, strategy: "upgrade" });
    // Usage another instance wrote is not seen while the entry is fresh (the authoritative check is recordUsage's).
    await usedThisPeriod(owner.tenantId, "api_calls", 1_000);
    expect(await check("starter")).toMatchObject({ decision: "allow", used: 0 });
    expect(entitlementCacheStats()).toEqual({ hits: before.hits + 1, misses: before.misses + 1 });

    // recordUsage in this process drops the entry: the next answer is measured again (and refused by recordUsage itself).
    const outcome = await recordUsage(prisma, { tenantId: owner.tenantId, metric: "api_calls", units: 1, idempotencyKey: "x", actor: { userId: null, type: "api" }, now: new Date() });
    expect(outcome).toMatchObject({ status: "refused", reason: "LIMIT_REACHED" });
    expect(await check("starter")).toMatchObject({ decision: "block", used: 1_000, upgradeTo: "pro" });
    expect(entitlementCacheStats().misses).toBe(before.misses + 2);

    // The plan is part of the key: after an upgrade the answer is the new plan's at once.
    await setPlan(owner.tenantId, "pro");
    expect(await owner.caller.usage.entitlement({ metric: "api_calls", units: 1 })).toMatchObject({ decision: "allow", limit: 50_000, used: 1_000 });
    expect(entitlementCacheStats().misses).toBe(before.misses + 3);
  });

  it("project creation and deletion drop the projects gauge's entry", async () => {
    const entitlement = () => owner.caller.usage.entitlement({ metric: "projects", units: 1 });
    expect(await entitlement()).toMatchObject({ used: 0, decision: "allow" });
    const p = await owner.caller.projects.create({ name: "Counted" });
    await owner.caller.projects.create({ name: "Counted too" });
    await owner.caller.projects.create({ name: "And three" });
    expect(await entitlement()).toMatchObject({ used: 3, decision: "block", upgradeTo: "pro" });
    await owner.caller.projects.delete({ id: p.id });
    expect(await entitlement()).toMatchObject({ used: 2, decision: "allow" });
  });
});
