/**
 * Job visibility (issue 4, item 2): admin.jobs.list / get / retry / cancel / stats for platform staff,
 * the status rules of retry and cancel (CONFLICT otherwise), their audit rows, the paging bounds, the
 * numbers /api/health reports, and the refusal of everyone who is not platform staff with two-factor.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import type { JobStatus, Prisma } from "@/generated/prisma/client";
import { prisma } from "@/server/db/client";
import { JOBS_PAGE_MAX, LAST_ERROR_PREVIEW, jobStats, listJobs } from "@/server/domain/jobs/admin";
import { anonymousCaller, signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { expectTRPCError } from "../helpers/trpc-errors";
import { MINUTE_MS, HOUR_MS } from "@/lib/time";

let staff: SignedInUser;
let customer: SignedInUser;
let staffWithout2fa: SignedInUser;

/** Platform staff as bad-input.test.ts makes them: a platform role, no workspace, two-factor on (or off). */
async function makeStaff(user: SignedInUser, twoFactor: boolean) {
  await prisma.tenant.delete({ where: { id: user.tenantId } });
  await prisma.platformRoleAssignment.create({ data: { userId: user.userId, role: "platform_admin" } });
  await prisma.user.update({ where: { id: user.userId }, data: { twoFactorEnabled: twoFactor } });
}

let seq = 0;

/** A jobs row as the runner would leave it; createdAt strictly increasing so the order is known. */
function job(data: Partial<Prisma.JobCreateInput> & { status: JobStatus }) {
  seq += 1;
  return prisma.job.create({
    data: {
      name: "test.job",
      payload: { n: seq },
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
      ...data,
    },
  });
}

beforeAll(async () => {
  [staff, customer, staffWithout2fa] = await Promise.all([
    signUpAndSignIn({ name: "Jobs Staff" }),
    signUpAndSignIn({ name: "Jobs Customer" }),
    signUpAndSignIn({ name: "Staff Without 2FA" }),
  ]);
  await makeStaff(staff, true);
  await makeStaff(staffWithout2fa, false);
});

beforeEach(async () => {
  await prisma.job.deleteMany();
  await prisma.auditLog.deleteMany({ where: { targetType: "job" } });
});

describe("access", () => {
  it("refuses anonymous callers, customers and staff without two-factor on every jobs procedure", async () => {
    const target = await job({ status: "failed" });
    const anonymous = await anonymousCaller();
    const calls = (c: SignedInUser["caller"]) => [
      c.admin.jobs.list({}),
      c.admin.jobs.get({ id: target.id }),
      c.admin.jobs.stats(),
      c.admin.jobs.retry({ id: target.id }),
      c.admin.jobs.cancel({ id: target.id }),
    ];
    for (const call of calls(anonymous)) await expectTRPCError(call, "UNAUTHORIZED", "UNAUTHENTICATED");
    for (const call of calls(customer.caller)) await expectTRPCError(call, "FORBIDDEN", "FORBIDDEN");
    for (const call of calls(staffWithout2fa.caller)) await expectTRPCError(call, "FORBIDDEN", "TWO_FACTOR_REQUIRED");
    expect(await prisma.job.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({ status: "failed" });
    expect(await prisma.auditLog.count({ where: { targetType: "job" } })).toBe(0);
  });
});

describe("admin.jobs.list", () => {
  it("lists newest first and filters by status, name prefix and text in the name or last error", async () => {
    const a = await job({ name: "notifications.deliver", status: "failed", lastError: "Resend API error 503 Service Unavailable" });
    const b = await job({ name: "notifications.deliver", status: "succeeded" });
    const c = await job({ name: "billing.sync_usage", status: "failed", lastError: "Stripe timeout after 30s" });
    const d = await job({ name: "privacy.export", status: "queued" });
    const ids = (page: { items: { id: string }[] }) => page.items.map((j) => j.id);
    const list = staff.caller.admin.jobs.list;

    expect(ids(await list({}))).toEqual([d.id, c.id, b.id, a.id]);
    expect(ids(await list({ status: "failed" }))).toEqual([c.id, a.id]);
    expect(ids(await list({ name: "notifications." }))).toEqual([b.id, a.id]);
    expect(ids(await list({ name: "notifications.deliver", status: "failed" }))).toEqual([a.id]);
    expect(ids(await list({ name: "deliver" }))).toEqual([]); // a prefix, not a substring
    expect(ids(await list({ search: "SERVICE UNAVAILABLE" }))).toEqual([a.id]); // case-insensitive, in last_error
    expect(ids(await list({ search: "sync_usage" }))).toEqual([c.id]); // in the name
    expect(ids(await list({ search: "timeout", status: "queued" }))).toEqual([]);
    // Blank filters are no filters; LIKE wildcards are plain characters.
    expect(ids(await list({ name: "  ", search: "" }))).toHaveLength(4);
    expect(ids(await list({ search: "%" }))).toEqual([]);
    expect(ids(await list({ search: "_" }))).toEqual([c.id]); // billing.sync_usage has a real underscore
    expect(ids(await list({ name: "billing_" }))).toEqual([]);

    const row = (await list({ status: "succeeded" })).items[0]!;
    expect(row).toMatchObject({ id: b.id, name: "notifications.deliver", status: "succeeded", attempts: 0, maxAttempts: 5, lastError: null });
    expect(row).not.toHaveProperty("payload"); // the list stays small; payloads are in get
  });

  it("shortens long errors in the list and keeps them whole in get", async () => {
    const long = `ProviderError: ${"x".repeat(2000)}`;
    const j = await job({ status: "failed", lastError: long });
    const [item] = (await staff.caller.admin.jobs.list({})).items;
    expect(item!.lastErrorTruncated).toBe(true);
    expect(item!.lastError!.length).toBe(LAST_ERROR_PREVIEW + 1);
    expect(long.startsWith(item!.lastError!.slice(0, -1))).toBe(true);
    expect((await staff.caller.admin.jobs.get({ id: j.id })).lastError).toBe(long);
  });

  it("pages with a cursor, bounded at JOBS_PAGE_MAX, and refuses limits outside 1..max", async () => {
    const rows = Array.from({ length: JOBS_PAGE_MAX + 5 }, (_, i) => ({
      name: "bulk.job",
      status: "succeeded" as const,
      createdAt: new Date(Date.UTC(2025, 0, 1) + i * MINUTE_MS),
    }));
    await prisma.job.createMany({ data: rows });
    const list = staff.caller.admin.jobs.list;

    const first = await list({ limit: 40 });
    expect(first.items).toHaveLength(40);
    const second = await list({ limit: 40, cursor: first.nextCursor });
    const third = await list({ limit: 40, cursor: second.nextCursor });
    expect(third.items).toHaveLength(JOBS_PAGE_MAX + 5 - 80);
    expect(third.nextCursor).toBeNull();
    const all = [...first.items, ...second.items, ...third.items].map((j) => j.id);
    expect(new Set(all).size).toBe(JOBS_PAGE_MAX + 5);
    const times = [...first.items, ...second.items, ...third.items].map((j) => j.createdAt.getTime());
    expect(times).toEqual([...times].sort((x, y) => y - x));

    // Default page size 50; never more than the maximum, even called directly.
    expect((await list({})).items).toHaveLength(50);
    expect((await listJobs(prisma, { limit: JOBS_PAGE_MAX })).items).toHaveLength(JOBS_PAGE_MAX);
    await expectTRPCError(list({ limit: JOBS_PAGE_MAX + 1 }), "BAD_REQUEST");
    await expectTRPCError(list({ limit: 0 }), "BAD_REQUEST");
    await expectTRPCError(list({ status: "exploded" as never }), "BAD_REQUEST");
    await expectTRPCError(list({ cursor: "not a cursor!" }), "BAD_REQUEST");
    // An unknown cursor is an empty last page, not the first page again.
    expect(await list({ cursor: "0197f5a2-0000-7000-8000-000000000000" })).toEqual({ items: [], nextCursor: null });
  });
});

describe("admin.jobs.get", () => {
  it("returns payload, result and full details; NOT_FOUND for an unknown id", async () => {
    const j = await job({
      name: "notifications.deliver",
      status: "succeeded",
      payload: { channel: "email", nested: { to: ["a", "b"] } },
      result: { messageId: "msg_1" },
      idempotencyKey: "notify:welcome:1",
    });
    const got = await staff.caller.admin.jobs.get({ id: j.id });
    expect(got).toMatchObject({
      id: j.id,
      payload: { channel: "email", nested: { to: ["a", "b"] } },
      result: { messageId: "msg_1" },
      idempotencyKey: "notify:welcome:1",
      history: [],
    });
    await expectTRPCError(staff.caller.admin.jobs.get({ id: "0197f5a2-0000-7000-8000-000000000000" }), "NOT_FOUND", "NOT_FOUND");
  });
});

describe("admin.jobs.retry", () => {
  it("sends a failed job back to the queue, due now, keeping attempts and the last error, with an audit row", async () => {
    const j = await job({
      status: "failed",
      attempts: 5,
      maxAttempts: 5,
      runAt: new Date(Date.now() - 60 * MINUTE_MS),
      lastError: "Resend API error 503",
      finishedAt: new Date(Date.now() - 59 * MINUTE_MS),
      lockedBy: "worker-1",
    });
    const before = Date.now();
    expect(await staff.caller.admin.jobs.retry({ id: j.id })).toEqual({ id: j.id, status: "queued" });
    const after = await prisma.job.findUniqueOrThrow({ where: { id: j.id } });
    expect(after).toMatchObject({ status: "queued", attempts: 5, lastError: "Resend API error 503", lockedBy: null, finishedAt: null });
    // Its attempts were used up: the runner must be allowed one more.
    expect(after.maxAttempts).toBe(6);
    expect(after.runAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(after.runAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);

    const audit = await prisma.auditLog.findMany({ where: { targetType: "job", targetId: j.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "job.retried", actorUserId: staff.userId, tenantId: null });
    expect(audit[0]!.metadata).toEqual({ name: "test.job", fromStatus: "failed", attempts: 5 });

    // get shows who did it.
    const got = await staff.caller.admin.jobs.get({ id: j.id });
    expect(got.history).toMatchObject([{ action: "job.retried", actorName: "Jobs Staff", actorEmail: staff.email }]);
  });

  it("retries a canceled job and keeps max_attempts when attempts are left", async () => {
    const j = await job({ status: "canceled", attempts: 1, maxAttempts: 5 });
    await staff.caller.admin.jobs.retry({ id: j.id });
    expect(await prisma.job.findUniqueOrThrow({ where: { id: j.id } })).toMatchObject({ status: "queued", attempts: 1, maxAttempts: 5 });
  });

  it("refuses succeeded, running, queued and retrying jobs with CONFLICT and changes nothing", async () => {
    for (const status of ["succeeded", "running", "queued", "retrying"] as const) {
      const j = await job({ status, attempts: 1 });
      const error = await expectTRPCError(staff.caller.admin.jobs.retry({ id: j.id }), "CONFLICT", "CONFLICT");
      expect(error.message).toContain(`A ${status} job cannot be retried`);
      expect(await prisma.job.findUniqueOrThrow({ where: { id: j.id } })).toEqual(j);
    }
    expect(await prisma.auditLog.count({ where: { targetType: "job" } })).toBe(0);
    await expectTRPCError(staff.caller.admin.jobs.retry({ id: "0197f5a2-0000-7000-8000-000000000000" }), "NOT_FOUND", "NOT_FOUND");
  });

  it("retries once when two admins click at the same time", async () => {
    const j = await job({ status: "failed", attempts: 3 });
    const results = await Promise.allSettled([staff.caller.admin.jobs.retry({ id: j.id }), staff.caller.admin.jobs.retry({ id: j.id })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await prisma.auditLog.count({ where: { targetType: "job", targetId: j.id } })).toBe(1);
  });
});

describe("admin.jobs.cancel", () => {
  it("cancels queued and retrying jobs, with an audit row each", async () => {
    for (const status of ["queued", "retrying"] as const) {
      const j = await job({ status, attempts: status === "retrying" ? 2 : 0, runAt: new Date(Date.now() + 10 * MINUTE_MS) });
      expect(await staff.caller.admin.jobs.cancel({ id: j.id })).toEqual({ id: j.id, status: "canceled" });
      const after = await prisma.job.findUniqueOrThrow({ where: { id: j.id } });
      expect(after.status).toBe("canceled");
      expect(after.finishedAt).not.toBeNull();
      const audit = await prisma.auditLog.findMany({ where: { targetType: "job", targetId: j.id } });
      expect(audit).toMatchObject([{ action: "job.canceled", actorUserId: staff.userId, tenantId: null }]);
      expect(audit[0]!.metadata).toMatchObject({ fromStatus: status });
    }
  });

  it("refuses running, succeeded, failed and canceled jobs with CONFLICT and changes nothing", async () => {
    for (const status of ["running", "succeeded", "failed", "canceled"] as const) {
      const j = await job({ status, lockedBy: status === "running" ? "worker-7" : null });
      const error = await expectTRPCError(staff.caller.admin.jobs.cancel({ id: j.id }), "CONFLICT", "CONFLICT");
      expect(error.message).toContain(`A ${status} job cannot be canceled`);
      expect(await prisma.job.findUniqueOrThrow({ where: { id: j.id } })).toEqual(j);
    }
    expect(await prisma.auditLog.count({ where: { targetType: "job" } })).toBe(0);
  });

  it("a canceled job can be retried, and the history shows both actions newest first", async () => {
    const j = await job({ status: "queued" });
    await staff.caller.admin.jobs.cancel({ id: j.id });
    await staff.caller.admin.jobs.retry({ id: j.id });
    const got = await staff.caller.admin.jobs.get({ id: j.id });
    expect(got.status).toBe("queued");
    expect(got.history.map((h) => h.action)).toEqual(["job.retried", "job.canceled"]);
  });
});

describe("admin.jobs.stats and /api/health", () => {
  it("counts every status and reports how long the oldest due queued job has waited", async () => {
    const now = Date.now();
    await job({ status: "queued", runAt: new Date(now - 90_000) }); // due 90 s ago: the oldest waiting
    await job({ status: "queued", runAt: new Date(now - 10_000) });
    await job({ status: "queued", runAt: new Date(now + HOUR_MS) }); // scheduled later: not waiting
    await job({ status: "failed" });
    await job({ status: "failed" });
    await job({ status: "retrying", runAt: new Date(now - 600_000) }); // backing off: not "queued"
    await job({ status: "succeeded" });

    const stats = await staff.caller.admin.jobs.stats();
    expect(stats.counts).toEqual({ queued: 3, running: 0, retrying: 1, succeeded: 1, failed: 2, canceled: 0 });
    expect(stats.oldestQueuedAgeSeconds).toBeGreaterThanOrEqual(90);
    expect(stats.oldestQueuedAgeSeconds).toBeLessThan(120);
    expect((await jobStats(prisma, { now: new Date(now + 10_000) })).oldestQueuedAgeSeconds).toBe(100);

    const response = await health();
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ status: "ok", database: "ok", jobs: { queued: 3, failed: 2 } });
    expect(body.jobs.oldestQueuedAgeSeconds).toBeGreaterThanOrEqual(90);
  });

  it("is all zeros on an empty table", async () => {
    expect(await jobStats(prisma)).toEqual({
      counts: { queued: 0, running: 0, retrying: 0, succeeded: 0, failed: 0, canceled: 0 },
      oldestQueuedAgeSeconds: 0,
    });
    expect((await (await health()).json()).jobs).toEqual({ queued: 0, failed: 0, oldestQueuedAgeSeconds: 0 });
  });
});
