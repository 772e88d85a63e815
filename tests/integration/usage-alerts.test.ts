/**
 * Threshold alerts (src/server/domain/usage/alerts.ts) with a controlled clock: at 80% and 100% of a
 * limit, one usage_alerts row (the in-app notice) and one "usage.warning" email to owners and admins per
 * tenant, metric, period and threshold; retries and concurrent usage alert once; the next period alerts
 * again; a jump past both thresholds sends one message; the project gauge alerts too.
 */
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "@/server/db/client";
import { recordUsage } from "@/server/domain/usage/record-usage";
import { signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { drainJobs } from "../helpers/jobs";
import { joinTenant, type TenantMemberFixture } from "../helpers/tenancy";

let owner: SignedInUser;
let admin: TenantMemberFixture;
let member: TenantMemberFixture;

const JAN = new Date("2031-01-10T12:00:00Z");
const FEB = new Date("2031-02-03T08:00:00Z");

beforeEach(async () => {
  owner = await signUpAndSignIn({ name: "Alert owner" });
  admin = await joinTenant(owner.tenantId, { role: "admin", name: "Alert admin" });
  member = await joinTenant(owner.tenantId, { role: "member", name: "Alert member" });
});

/** Starter: 1,000 API calls per month. */
const calls = (units: number, now: Date, idempotencyKey = randomUUID()) =>
  recordUsage(prisma, { tenantId: owner.tenantId, metric: "api_calls", units, idempotencyKey, actor: { userId: member.user.userId, type: "member" }, now });

const alerts = () =>
  prisma.usageAlert.findMany({ where: { tenantId: owner.tenantId }, orderBy: [{ periodStart: "asc" }, { threshold: "asc" }] }).then((rows) =>
    rows.map((a) => ({ metric: a.metric, period: a.periodStart.toISOString().slice(0, 7), threshold: a.threshold, used: Number(a.usedUnits), limit: Number(a.limitUnits) })),
  );

const warnings = () =>
  prisma.notificationOutbox
    .findMany({ where: { tenantId: owner.tenantId, event: "usage.warning", channel: "email" }, orderBy: { createdAt: "asc" } })
    .then((rows) => rows.map((r) => ({ to: r.userId, data: r.data as { percent: number; metric: string; used: number; limit: number } })));

describe("usage threshold alerts", () => {
  it("alert once at 80% and once at 100% per period, to owners and admins only; the next period alerts again", async () => {
    await calls(799, JAN);
    expect(await alerts()).toEqual([]);
    await calls(1, JAN);
    await calls(50, JAN);
    expect(await alerts()).toEqual([{ metric: "api_calls", period: "2031-01", threshold: 80, used: 800, limit: 1_000 }]);
    await calls(150, JAN);
    // Refused beyond the limit (starter): no further alert either.
    expect(await calls(1, JAN)).toMatchObject({ status: "refused" });
    expect(await alerts()).toEqual([
      { metric: "api_calls", period: "2031-01", threshold: 80, used: 800, limit: 1_000 },
      { metric: "api_calls", period: "2031-01", threshold: 100, used: 1_000, limit: 1_000 },
    ]);

    const sent = await warnings();
    expect(sent.map((w) => [w.to, w.data.percent]).sort()).toEqual(
      [
        [owner.userId, 80],
        [admin.user.userId, 80],
        [owner.userId, 100],
        [admin.user.userId, 100],
      ].sort(),
    );
    expect(sent[0]!.data).toMatchObject({ metric: "api_calls", strategy: "upgrade", used: 800, limit: 1_000, tenantName: expect.any(String), url: expect.stringContaining("/settings/billing") });

    // The outbox delivers: one email per recipient and threshold.
    await drainJobs(prisma);
    const mails = await prisma.devMailboxMessage.findMany({ where: { to: { in: [owner.email, member.user.email] } } });
    expect(mails.filter((m) => m.to === owner.email && /API calls/.test(m.subject))).toHaveLength(2);
    expect(mails.filter((m) => m.to === member.user.email && /API calls/.test(m.subject))).toHaveLength(0);

    // February: a new period, the 80% alert comes again.
    await calls(850, FEB);
    expect((await alerts()).filter((a) => a.period === "2031-02")).toEqual([{ metric: "api_calls", period: "2031-02", threshold: 80, used: 850, limit: 1_000 }]);
    expect(await warnings()).toHaveLength(6);
  });

  it("usage that jumps past both thresholds records both and sends one message, at 100%", async () => {
    await calls(1_000, JAN);
    expect((await alerts()).map((a) => a.threshold)).toEqual([80, 100]);
    expect((await warnings()).map((w) => w.data.percent)).toEqual([100, 100]);
  });

  it("concurrent usage crossing a threshold and retried events alert once", async () => {
    await calls(790, JAN);
    const key = randomUUID();
    await Promise.all([
      ...Array.from({ length: 8 }, () => calls(5, JAN)),
      ...Array.from({ length: 4 }, () => calls(5, JAN, key)), // one event, retried concurrently
    ]);
    expect(await alerts()).toEqual([{ metric: "api_calls", period: "2031-01", threshold: 80, used: expect.any(Number), limit: 1_000 }]);
    expect(await warnings()).toHaveLength(2);
    expect(await prisma.usageEvent.aggregate({ where: { tenantId: owner.tenantId }, _sum: { units: true } })).toEqual({ _sum: { units: 790 + 9 * 5 } });
  });

  it("the project gauge alerts when a project reaches the limit (starter: 3)", async () => {
    await owner.caller.projects.create({ name: "One" });
    await owner.caller.projects.create({ name: "Two" });
    expect(await alerts()).toEqual([]);
    await owner.caller.projects.create({ name: "Three" });
    const month = new Date().toISOString().slice(0, 7);
    expect(await alerts()).toEqual([
      { metric: "projects", period: month, threshold: 80, used: 3, limit: 3 },
      { metric: "projects", period: month, threshold: 100, used: 3, limit: 3 },
    ]);
    expect((await warnings()).map((w) => w.data)).toEqual([
      expect.objectContaining({ metric: "projects", percent: 100, used: 3, limit: 3 }),
      expect.objectContaining({ metric: "projects", percent: 100, used: 3, limit: 3 }),
    ]);
  });
});

describe("a soft limit (Pro API calls): calls run side by side", () => {
  it("20 concurrent calls across 80% are all counted; the alert fires once, at the latest with the next event", async () => {
    await prisma.tenant.update({ where: { id: owner.tenantId }, data: { plan: "pro", billingState: "active" } });
    const now = new Date();
    expect((await calls(39_990, now)).status).toBe("counted"); // Pro includes 50,000: 80% is 40,000
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => calls(1, now)));
    expect(outcomes.every((o) => o.status === "counted")).toBe(true);
    expect((await alerts()).length).toBeLessThanOrEqual(1);
    await calls(1, now);
    expect(await alerts()).toEqual([{ metric: "api_calls", period: now.toISOString().slice(0, 7), threshold: 80, used: expect.any(Number), limit: 50_000 }]);
    expect((await warnings()).filter((w) => w.to === owner.userId)).toHaveLength(1);
    const total = await prisma.usageEvent.aggregate({ where: { tenantId: owner.tenantId, metric: "api_calls" }, _sum: { units: true } });
    expect(total._sum.units).toBe(39_990 + 20 + 1);
  });
});
