import type { Db, DbTx } from "@/server/db/client";
import { AppError } from "@/server/domain/errors";
import { defineJob } from "@/server/domain/jobs";

// Rate limits for tRPC procedures (Better Auth limits its own endpoints). Fixed windows counted in
// PostgreSQL, so every app instance shares one count: one upsert per call, no extra service. The rules
// are per caller and per area; src/server/api/trpc.ts applies them through the procedure builders.

export interface RateLimitRule {
  readonly windowMs: number;
  readonly max: number;
}

export const RATE_LIMIT_RULES = {
  /** Checkout, top-up, plan changes, portal links, cancel: each may call the payment provider. */
  billing: { windowMs: 60_000, max: 20 },
  /** Usage reporting by API clients (batches of up to 1,000 events count once). */
  usage: { windowMs: 60_000, max: 600 },
} as const satisfies Record<string, RateLimitRule>;

export type RateLimitRuleName = keyof typeof RATE_LIMIT_RULES;

export interface RateLimitResult {
  readonly allowed: boolean;
  readonly count: number;
  /** When the current window ends. */
  readonly resetAt: Date;
}

/** Counts one hit against `key` under `rule` and says whether it is within the limit. */
export async function hitRateLimit(db: Db | DbTx, key: string, rule: RateLimitRule, now: Date = new Date()): Promise<RateLimitResult> {
  const expired = new Date(now.getTime() - rule.windowMs);
  // A window that has passed restarts at 1; otherwise the count goes up. One statement, so two
  // concurrent hits never both read the same count.
  const [row] = await db.$queryRaw<{ count: number; window_start: Date }[]>`
    INSERT INTO rate_limit_buckets (key, window_start, count) VALUES (${key}, ${now}, 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN rate_limit_buckets.window_start <= ${expired} THEN 1 ELSE rate_limit_buckets.count + 1 END,
      window_start = CASE WHEN rate_limit_buckets.window_start <= ${expired} THEN ${now} ELSE rate_limit_buckets.window_start END
    RETURNING count, window_start`;
  if (!row) throw new Error("rate limit upsert returned no row");
  return { allowed: row.count <= rule.max, count: row.count, resetAt: new Date(row.window_start.getTime() + rule.windowMs) };
}

/** Throws RATE_LIMITED (with the seconds to wait) when the caller is over the rule's limit. */
export async function enforceRateLimit(db: Db | DbTx, name: RateLimitRuleName, subject: string, now: Date = new Date()): Promise<void> {
  const result = await hitRateLimit(db, `${name}:${subject}`, RATE_LIMIT_RULES[name], now);
  if (!result.allowed) {
    const seconds = Math.max(1, Math.ceil((result.resetAt.getTime() - now.getTime()) / 1000));
    throw new AppError("RATE_LIMITED", `Too many requests. Try again in ${seconds} s.`);
  }
}

/** Windows are at most minutes long: a bucket untouched for a day only takes space. */
export async function purgeRateLimitBuckets(db: Db | DbTx, now: Date = new Date()): Promise<number> {
  const { count } = await db.rateLimitBucket.deleteMany({ where: { windowStart: { lt: new Date(now.getTime() - 24 * 60 * 60 * 1000) } } });
  return count;
}

export const purgeRateLimitBucketsJob = defineJob({
  name: "rate-limits.purge",
  cron: "17 3 * * *",
  parse: () => ({}),
  run: async (_payload, ctx) => ({ purged: await purgeRateLimitBuckets(ctx.db) }),
});
