/**
 * usage.overview, the usage page's data: this period per metric against the plan, breakdowns per project
 * and per actor (a guest's usage under the guest, API clients as "API"), one daily row per day, credits
 * with their lots, this period's alerts. Readers need usage:read (guests have not).
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/server/db/client";
import { ANALYSIS_AI_CREDITS } from "@/server/domain/projects/projects";
import { usagePeriod } from "@/server/domain/usage/metrics";
import { signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { joinTenant, type TenantMemberFixture } from "../helpers/tenancy";
import { expectTRPCError } from "../helpers/trpc-errors";
import { DAY_MS } from "@/lib/time";

let owner: SignedInUser;
let guest: TenantMemberFixture;
let member: TenantMemberFixture;
let alpha: { id: string };
let beta: { id: string };

beforeAll(async () => {
  owner = await signUpAndSignIn({ name: "Olivia Owner" });
  guest = await joinTenant(owner.tenantId, { role: "guest", memberType: "guest", name: "Gina Guest" });
  member = await joinTenant(owner.tenantId, { role: "member", name: "Mo Member" });
  alpha = await owner.caller.projects.create({ name: "Alpha" });
  beta = await owner.caller.projects.create({ name: "Beta" });
  await prisma.tenantCreditLedger.create({
    data: { tenantId: owner.tenantId, kind: "purchase", amount: 1_000, expiresAt: new Date(Date.now() + 200 * DAY_MS), reference: `pay_${randomUUID()}` },
  });

  await guest.caller.projects.runAnalysis({ id: alpha.id, requestId: "guest-1" });
  await guest.caller.projects.runAnalysis({ id: alpha.id, requestId: "guest-2" });
  await guest.caller.projects.runAnalysis({ id: alpha.id, requestId: "guest-2" }); // a retry: counted once
  await member.caller.projects.runAnalysis({ id: beta.id, requestId: "member-1" });
  await owner.caller.usage.ingest({ metric: "api_calls", units: 40, idempotencyKey: "api-1", projectId: beta.id });
  await owner.caller.usage.ingest({ metric: "storage_mb", units: 7, idempotencyKey: "api-2" });
});

describe("usage.overview", () => {
  it("attributes a guest's usage to the guest, members' to them, API clients' to API", async () => {
    const overview = await member.caller.usage.overview();
    const actors = overview.byActor.filter((a) => a.metric === "ai_credits" || a.metric === "api_calls");
    expect(actors).toEqual(
      expect.arrayContaining([
        { actorType: "guest", userId: guest.user.userId, name: "Gina Guest", metric: "ai_credits", units: 2 * ANALYSIS_AI_CREDITS },
        { actorType: "guest", userId: guest.user.userId, name: "Gina Guest", metric: "api_calls", units: 2 },
        { actorType: "member", userId: member.user.userId, name: "Mo Member", metric: "ai_credits", units: ANALYSIS_AI_CREDITS },
        { actorType: "member", userId: member.user.userId, name: "Mo Member", metric: "api_calls", units: 1 },
        { actorType: "api", userId: null, name: "API", metric: "api_calls", units: 40 },
      ]),
    );
    expect(actors).toHaveLength(5);
    expect(overview.byActor).toContainEqual({ actorType: "member", userId: owner.userId, name: "Olivia Owner", metric: "projects", units: 2 });
  });

  it("breaks usage down per project, biggest first", async () => {
    const { byProject } = await owner.caller.usage.overview();
    expect(byProject.filter((p) => p.metric === "api_calls")).toEqual([
      { projectId: beta.id, projectName: "Beta", metric: "api_calls", units: 41 },
      { projectId: alpha.id, projectName: "Alpha", metric: "api_calls", units: 2 },
    ]);
    expect(byProject).toContainEqual({ projectId: null, projectName: null, metric: "storage_mb", units: 7 });
  });

  it("shows each metric against the plan, one daily row per day so far, credits and this period's alerts", async () => {
    const overview = await owner.caller.usage.overview();
    const period = usagePeriod(new Date());
    expect(overview.plan).toEqual({ id: "starter", name: "Starter" });
    expect(overview.period).toEqual(period);
    expect(overview.metrics).toEqual([
      { metric: "projects", kind: "gauge", used: 2, limit: 3, percent: 66, strategy: "upgrade" },
      { metric: "api_calls", kind: "monthly", used: 43, limit: 1_000, percent: 4, strategy: "upgrade" },
      { metric: "ai_credits", kind: "monthly", used: 6, limit: 50, percent: 12, strategy: "hard" },
      { metric: "storage_mb", kind: "monthly", used: 7, limit: null, percent: null, strategy: null },
    ]);

    const today = new Date().toISOString().slice(0, 10);
    expect(overview.daily[0]!.date).toBe(period.start.toISOString().slice(0, 10));
    expect(overview.daily.at(-1)).toEqual({ date: today, units: { projects: 2, api_calls: 43, ai_credits: 6, storage_mb: 7 } });
    expect(overview.daily).toHaveLength(new Date().getUTCDate());
    expect(new Set(overview.daily.map((d) => d.date)).size).toBe(overview.daily.length);

    expect(overview.credits).toMatchObject({ balance: 1_000, available: 1_000, lots: [{ kind: "purchase", amount: 1_000, remaining: 1_000 }] });
    expect(overview.alerts).toEqual([]);

    await owner.caller.projects.create({ name: "Gamma" });
    expect((await owner.caller.usage.overview()).alerts).toEqual([
      { id: expect.any(String), metric: "projects", threshold: 80, usedUnits: 3, limitUnits: 3, createdAt: expect.any(Date) },
      { id: expect.any(String), metric: "projects", threshold: 100, usedUnits: 3, limitUnits: 3, createdAt: expect.any(Date) },
    ]);
  });

  it("is for usage:read: guests are refused", async () => {
    await expectTRPCError(guest.caller.usage.overview(), "FORBIDDEN", "FORBIDDEN");
    await expectTRPCError(guest.caller.usage.entitlement({ metric: "projects", units: 1 }), "FORBIDDEN", "FORBIDDEN");
  });
});
