/**
 * Usage ingestion (usage.ingest, usage.ingestBatch, recordUsage): idempotency sequentially, concurrently,
 * inside a batch and across batches; batch limits; per-event refusals (unknown project, reused key, time
 * out of range); API attribution; exact period usage whether or not the aggregation job has run.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/server/db/client";
import { measureUsage } from "@/server/domain/usage/entitlements";
import { usagePeriod } from "@/server/domain/usage/metrics";
import { recordUsage, recordUsageBatch } from "@/server/domain/usage/record-usage";
import { signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { joinTenant, setPlan } from "../helpers/tenancy";
import { expectTRPCError } from "../helpers/trpc-errors";
import { HOUR_MS } from "@/lib/time";

let owner: SignedInUser;

const key = (label: string) => `${label}-${randomUUID()}`;
const stored = (tenantId: string, idempotencyKey: string) => prisma.usageEvent.findMany({ where: { tenantId, idempotencyKey } });

beforeAll(async () => {
  owner = await signUpAndSignIn({ name: "Ingest owner" });
  await setPlan(owner.tenantId, "business");
});

describe("usage.ingest", () => {
  it("counts an event once, attributed to API, and a retry with the same key is a duplicate of it", async () => {
    const k = key("single");
    const first = await owner.caller.usage.ingest({ metric: "api_calls", units: 3, idempotencyKey: k });
    expect(first).toEqual({ idempotencyKey: k, status: "counted", eventId: expect.any(String), creditsUsed: 0, warning: null });
    const again = await owner.caller.usage.ingest({ metric: "api_calls", units: 3, idempotencyKey: k });
    expect(again).toEqual({ idempotencyKey: k, status: "duplicate", eventId: first.eventId });

    const rows = await stored(owner.tenantId, k);
    expect(rows).toMatchObject([{ id: first.eventId, metric: "api_calls", units: 3, actorType: "api", actorUserId: null, projectId: null }]);
  });

  it("the same key sent concurrently is stored and counted once; every caller gets the one event id", async () => {
    const k = key("concurrent");
    const before = await measureUsage(prisma, { tenantId: owner.tenantId, metric: "api_calls", now: new Date() });
    const results = await Promise.all(Array.from({ length: 10 }, () => owner.caller.usage.ingest({ metric: "api_calls", units: 5, idempotencyKey: k })));
    const rows = await stored(owner.tenantId, k);
    expect(rows).toHaveLength(1);
    expect(results.filter((r) => r.status === "counted")).toHaveLength(1);
    expect(new Set(results.map((r) => r.eventId))).toEqual(new Set([rows[0]!.id]));
    expect(await measureUsage(prisma, { tenantId: owner.tenantId, metric: "api_calls", now: new Date() })).toBe(before + 5);
  });

  it("a key reused for a different event is refused (CONFLICT), the original stays", async () => {
    const k = key("reused");
    await owner.caller.usage.ingest({ metric: "api_calls", units: 1, idempotencyKey: k });
    await expectTRPCError(owner.caller.usage.ingest({ metric: "api_calls", units: 2, idempotencyKey: k }), "CONFLICT", "CONFLICT");
    await expectTRPCError(owner.caller.usage.ingest({ metric: "storage_mb", units: 1, idempotencyKey: k }), "CONFLICT", "CONFLICT");
    expect(await stored(owner.tenantId, k)).toMatchObject([{ metric: "api_calls", units: 1 }]);
  });

  it("refuses another tenant's project (NOT_FOUND) and records the caller's own", async () => {
    const other = await signUpAndSignIn({ name: "Other tenant" });
    const theirs = await other.caller.projects.create({ name: "Not yours" });
    const mine = await owner.caller.projects.create({ name: "Mine" });
    await expectTRPCError(owner.caller.usage.ingest({ metric: "api_calls", units: 1, idempotencyKey: key("theirs"), projectId: theirs.id }), "NOT_FOUND", "NOT_FOUND");
    const counted = await owner.caller.usage.ingest({ metric: "api_calls", units: 1, idempotencyKey: key("mine"), projectId: mine.id });
    expect(counted.status).toBe("counted");
    expect(await prisma.usageEvent.count({ where: { tenantId: owner.tenantId, projectId: theirs.id } })).toBe(0);
  });

  it("takes no gauge metric and no malformed key or units (BAD_REQUEST)", async () => {
    for (const input of [
      { metric: "projects", units: 1, idempotencyKey: key("gauge") },
      { metric: "api_calls", units: 0, idempotencyKey: key("zero") },
      { metric: "api_calls", units: 1.5, idempotencyKey: key("fraction") },
      { metric: "api_calls", units: 1, idempotencyKey: "with space" },
      { metric: "api_calls", units: 1, idempotencyKey: "x".repeat(201) },
    ]) {
      await expectTRPCError(owner.caller.usage.ingest(input as never), "BAD_REQUEST");
    }
  });

  it("refuses usage stamped more than an hour ago or ahead of time (INVALID_INPUT)", async () => {
    const now = Date.now();
    for (const occurredAt of [new Date(now - 61 * 60_000), new Date(now + 10 * 60_000)]) {
      await expectTRPCError(owner.caller.usage.ingest({ metric: "api_calls", units: 1, idempotencyKey: key("late"), occurredAt }), "BAD_REQUEST", "INVALID_INPUT");
    }
    const recent = await owner.caller.usage.ingest({ metric: "api_calls", units: 1, idempotencyKey: key("recent"), occurredAt: new Date(now - 30 * 60_000) });
    expect(recent.status).toBe("counted");
  });

  it("needs usage:record: a guest is FORBIDDEN", async () => {
    const guest = await joinTenant(owner.tenantId, { role: "guest", memberType: "guest" });
    await expectTRPCError(guest.caller.usage.ingest({ metric: "api_calls", units: 1, idempotencyKey: key("guest") }), "FORBIDDEN", "FORBIDDEN");
  });
});

describe("usage.ingestBatch", () => {
  it("counts each key once: duplicates inside a batch and across batches, one outcome per event in order", async () => {
    const [a, b, c] = [key("a"), key("b"), key("c")];
    const first = await owner.caller.usage.ingestBatch({
      events: [
        { metric: "api_calls", units: 1, idempotencyKey: a },
        { metric: "api_calls", units: 2, idempotencyKey: b },
        { metric: "api_calls", units: 1, idempotencyKey: a },
      ],
    });
    expect(first.results.map((r) => r.status)).toEqual(["counted", "counted", "duplicate"]);
    expect(first).toMatchObject({ counted: 2, duplicates: 1, refused: 0 });
    expect(first.results[2]).toEqual({ idempotencyKey: a, status: "duplicate", eventId: (first.results[0] as { eventId: string }).eventId });

    const second = await owner.caller.usage.ingestBatch({
      events: [
        { metric: "api_calls", units: 2, idempotencyKey: b },
        { metric: "storage_mb", units: 7, idempotencyKey: c },
      ],
    });
    expect(second.results.map((r) => r.status)).toEqual(["duplicate", "counted"]);
    expect(second.results[0]).toMatchObject({ eventId: (first.results[1] as { eventId: string }).eventId });
    expect(await prisma.usageEvent.count({ where: { tenantId: owner.tenantId, idempotencyKey: { in: [a, b, c] } } })).toBe(3);
  });

  it("refuses single events of a batch with their reason and counts the rest", async () => {
    const reused = key("reused");
    await owner.caller.usage.ingest({ metric: "api_calls", units: 1, idempotencyKey: reused });
    const result = await owner.caller.usage.ingestBatch({
      events: [
        { metric: "api_calls", units: 1, idempotencyKey: key("ok") },
        { metric: "api_calls", units: 1, idempotencyKey: key("project"), projectId: randomUUID() },
        { metric: "api_calls", units: 9, idempotencyKey: reused },
        { metric: "api_calls", units: 1, idempotencyKey: key("old"), occurredAt: new Date(Date.now() - 2 * HOUR_MS) },
      ],
    });
    expect(result.results.map((r) => (r.status === "refused" ? r.reason : r.status))).toEqual([
      "counted",
      "PROJECT_NOT_FOUND",
      "IDEMPOTENCY_KEY_REUSED",
      "OCCURRED_AT_OUT_OF_RANGE",
    ]);
  });

  it("concurrent batches sharing keys store every key once", async () => {
    const keys = Array.from({ length: 50 }, (_, i) => key(`shared-${i}`));
    const results = await Promise.all(
      Array.from({ length: 5 }, () => owner.caller.usage.ingestBatch({ events: keys.map((k) => ({ metric: "api_calls" as const, units: 1, idempotencyKey: k })) })),
    );
    expect(results.reduce((sum, r) => sum + r.counted, 0)).toBe(50);
    expect(results.reduce((sum, r) => sum + r.duplicates, 0)).toBe(200);
    expect(await prisma.usageEvent.count({ where: { tenantId: owner.tenantId, idempotencyKey: { in: keys } } })).toBe(50);
  });

  it("takes 1,000 events in one call; 1,001 or none are BAD_REQUEST", async () => {
    const events = (n: number, label: string) => Array.from({ length: n }, (_, i) => ({ metric: "api_calls" as const, units: 1, idempotencyKey: `${label}-${i}` }));
    const label = key("full");
    const full = await owner.caller.usage.ingestBatch({ events: events(1_000, label) });
    expect(full.counted).toBe(1_000);
    await expectTRPCError(owner.caller.usage.ingestBatch({ events: events(1_001, key("over")) }), "BAD_REQUEST");
    await expectTRPCError(owner.caller.usage.ingestBatch({ events: [] }), "BAD_REQUEST");
    // The domain function checks the same limit for callers that skip the procedure.
    await expect(
      recordUsageBatch(prisma, { tenantId: owner.tenantId, actor: { userId: null, type: "api" }, now: new Date(), events: events(1_001, key("direct")) }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });
});

describe("period usage", () => {
  it("is the aggregate's units plus the events since its aggregatedThrough, within the period only", async () => {
    const tenant = await signUpAndSignIn({ name: "Period tenant" });
    const now = new Date("2031-03-20T12:00:00Z");
    const actor = { userId: tenant.userId, type: "member" as const };
    const at = (iso: string) => ({ now: new Date(iso), occurredAt: new Date(iso) });
    const record = (units: number, iso: string) =>
      recordUsage(prisma, { tenantId: tenant.tenantId, metric: "storage_mb", units, idempotencyKey: key("p"), actor, ...at(iso) });
    await record(100, "2031-02-28T23:59:00Z"); // previous period
    await record(5, "2031-03-01T00:00:00Z");
    await record(7, "2031-03-10T00:00:00Z");
    await record(11, "2031-03-19T00:00:00Z");
    const used = () => measureUsage(prisma, { tenantId: tenant.tenantId, metric: "storage_mb", now });
    expect(await used()).toBe(23);

    // The aggregation job counted the events before Mar 15 (12): the total stays exact.
    const period = usagePeriod(now);
    await prisma.usageAggregate.create({
      data: { tenantId: tenant.tenantId, metric: "storage_mb", periodStart: period.start, periodEnd: period.end, units: 12n, aggregatedThrough: new Date("2031-03-15T00:00:00Z") },
    });
    expect(await used()).toBe(23);
    // A stale aggregate (say the job ran before the Mar 10 event) is still exact: events after its instant are added.
    await prisma.usageAggregate.updateMany({ where: { tenantId: tenant.tenantId }, data: { units: 5n, aggregatedThrough: new Date("2031-03-05T00:00:00Z") } });
    expect(await used()).toBe(23);
  });
});

describe("one key, two metrics at once", () => {
  it("concurrent events reusing a key for different metrics (not serialized by one lock) store one event; the other is refused as a reused key", async () => {
    for (let round = 0; round < 5; round++) {
      const k = key("cross");
      const results = await Promise.allSettled([
        owner.caller.usage.ingest({ metric: "api_calls", units: 1, idempotencyKey: k }),
        owner.caller.usage.ingest({ metric: "storage_mb", units: 1, idempotencyKey: k }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled").map((r) => r.value.status)).toEqual(["counted"]);
      const rejected = results.find((r) => r.status === "rejected")!;
      expect((rejected.reason as { code: string }).code).toBe("CONFLICT");
      expect(await stored(owner.tenantId, k)).toHaveLength(1);
    }
  });
});
