/**
 * tRPC rate limits: fixed windows counted in PostgreSQL (shared by every app instance), exact under
 * concurrency, restarting after the window, and applied by tenantProcedure's rateLimit option.
 */
import { describe, expect, it } from "vitest";
import { prisma } from "@/server/db/client";
import { enforceRateLimit, hitRateLimit, purgeRateLimitBuckets, RATE_LIMIT_RULES } from "@/server/domain/rate-limit/rate-limit";
import { HOUR_MS } from "@/lib/time";

const rule = { windowMs: 60_000, max: 3 };
const t0 = new Date("2026-11-26T10:00:00Z");
const later = (ms: number) => new Date(t0.getTime() + ms);

describe("hitRateLimit", () => {
  it("allows up to max hits in a window, refuses the next, and restarts after the window", async () => {
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await hitRateLimit(prisma, "test:a", rule, later(i * 1000)));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3]!.resetAt.toISOString()).toBe(later(60_000).toISOString());
    const next = await hitRateLimit(prisma, "test:a", rule, later(60_000));
    expect(next).toMatchObject({ allowed: true, count: 1 });
  });

  it("keeps keys apart", async () => {
    for (let i = 0; i < 3; i++) await hitRateLimit(prisma, "test:b", rule, t0);
    expect((await hitRateLimit(prisma, "test:b", rule, t0)).allowed).toBe(false);
    expect((await hitRateLimit(prisma, "test:c", rule, t0)).allowed).toBe(true);
  });

  it("counts concurrent hits exactly: 30 at once against max 10 -> exactly 10 allowed", async () => {
    const results = await Promise.all(Array.from({ length: 30 }, () => hitRateLimit(prisma, "test:race", { windowMs: 60_000, max: 10 }, t0)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });
});

describe("enforceRateLimit", () => {
  it("throws RATE_LIMITED with the seconds to wait once the rule's max is passed", async () => {
    const { max } = RATE_LIMIT_RULES.billing;
    for (let i = 0; i < max; i++) await enforceRateLimit(prisma, "billing", "tenant-1:user-1", later(i));
    await expect(enforceRateLimit(prisma, "billing", "tenant-1:user-1", later(30_000))).rejects.toMatchObject({
      code: "RATE_LIMITED",
      message: expect.stringMatching(/Try again in 30 s/),
    });
    // Another member of the same tenant has an allowance of their own.
    await expect(enforceRateLimit(prisma, "billing", "tenant-1:user-2", later(30_000))).resolves.toBeUndefined();
  });
});

describe("purgeRateLimitBuckets", () => {
  it("deletes buckets untouched for a day and keeps recent ones", async () => {
    await hitRateLimit(prisma, "test:old", rule, t0);
    await hitRateLimit(prisma, "test:recent", rule, later(23 * HOUR_MS));
    expect(await purgeRateLimitBuckets(prisma, later(25 * HOUR_MS))).toBeGreaterThanOrEqual(1);
    const keys = (await prisma.rateLimitBucket.findMany({ select: { key: true } })).map((b) => b.key);
    expect(keys).not.toContain("test:old");
    expect(keys).toContain("test:recent");
  });
});
