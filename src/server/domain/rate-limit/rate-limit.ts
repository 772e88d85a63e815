import { createHmac } from "node:crypto";
import { env } from "@/env";
import { resolveAuthSecret } from "@/server/auth-secret";
import type { Db, DbTx } from "@/server/db/client";
import { AppError } from "@/server/domain/errors";
import { defineJob } from "@/server/domain/jobs";
import { rateLimitAddress } from "@/server/http/client-address";
import { DAY_MS } from "@/lib/time";

// Rate limits for tRPC procedures and Better Auth's HTTP endpoints. Fixed windows counted in
// PostgreSQL, so every app instance shares one count: one upsert per call, no extra service. The rules
// are per caller and per area; src/server/api/trpc.ts applies them through the procedure builders,
// src/server/domain/rate-limit/auth-limits.ts to Better Auth's endpoints (the same rule and key when a
// procedure wraps an endpoint). Numbers are chosen so a person typing never meets them.

export interface RateLimitRule {
  readonly windowMs: number;
  readonly max: number;
}

export const RATE_LIMIT_RULES = {
  /** Checkout, top-up, plan changes, portal links, cancel: each may call the payment provider. */
  billing: { windowMs: 60_000, max: 20 },
  /** Usage reporting by API clients (batches of up to 1,000 events count once). */
  usage: { windowMs: 60_000, max: 600 },

  // Authentication. "PerAddress" rules count the trusted client address (IPv6 per /64) and are skipped
  // when it is unknown (server-side callers; `npm start` and Vercel always set it); the others hold
  // whatever the address, so rotating addresses cannot get around them.
  /** Password sign-ins from one address, any accounts: guessing many accounts from one place. */
  signInPerAddress: { windowMs: 60_000, max: 10 },
  /**
   * Password sign-ins to one account (hashed email) from anywhere. A correct password clears it, so a
   * user's own sign-ins never add up; after 10 failures the account waits out the window (magic link
   * and password reset still work).
   */
  signInPerAccount: { windowMs: 15 * 60_000, max: 10 },
  /** Sign-ups from one address: /sign-up/email and me.signUp count together. */
  signUpPerAddress: { windowMs: 60_000, max: 5 },
  /** Sign-in links requested from one address. */
  magicLinkPerAddress: { windowMs: 60_000, max: 5 },
  /** Sign-in links sent to one mailbox, from anywhere: nobody floods an inbox. */
  magicLinkPerEmail: { windowMs: 15 * 60_000, max: 5 },
  /** Password-reset emails requested from one address. */
  passwordResetPerAddress: { windowMs: 60_000, max: 5 },
  /** Password-reset emails to one mailbox, from anywhere. */
  passwordResetPerEmail: { windowMs: 15 * 60_000, max: 5 },
  /** Verification emails requested from one address. */
  verificationEmailPerAddress: { windowMs: 60_000, max: 5 },
  /** Verification emails to one mailbox, from anywhere. */
  verificationEmailPerEmail: { windowMs: 15 * 60_000, max: 5 },
  /** Two-factor codes (TOTP, backup, OTP) tried from one address. */
  twoFactorPerAddress: { windowMs: 60_000, max: 10 },
  /** Two-factor codes tried for one user from anywhere; a correct code clears it (a TOTP code is 6 digits). */
  twoFactorPerUser: { windowMs: 15 * 60_000, max: 5 },
  /**
   * The password of a signed-in user checked again (change password, two-factor set-up and removal):
   * a stolen session must not become a way to guess the password. A correct password clears it.
   */
  passwordCheckPerUser: { windowMs: 15 * 60_000, max: 10 },
  /** Every other Better Auth endpoint (sign-out, reset with a token, link callbacks...) from one address. */
  authPerAddress: { windowMs: 60_000, max: 100 },
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

/** Counts one hit under the named rule; when refused, how many seconds until the window ends. */
export async function consumeRateLimit(
  db: Db | DbTx,
  name: RateLimitRuleName,
  subject: string,
  now: Date = new Date(),
): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
  const result = await hitRateLimit(db, `${name}:${subject}`, RATE_LIMIT_RULES[name], now);
  if (result.allowed) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((result.resetAt.getTime() - now.getTime()) / 1000)) };
}

/** Throws RATE_LIMITED (with the seconds to wait) when the caller is over the rule's limit. */
export async function enforceRateLimit(db: Db | DbTx, name: RateLimitRuleName, subject: string, now: Date = new Date()): Promise<void> {
  const result = await consumeRateLimit(db, name, subject, now);
  if (!result.allowed) {
    throw new AppError("RATE_LIMITED", `Too many requests. Try again in ${result.retryAfterSeconds} s.`, {
      key: "rateLimit.retryIn",
      params: { seconds: result.retryAfterSeconds },
    });
  }
}

/** Forgets the count of one subject under one rule (a correct password clears the account's failures). */
export async function clearRateLimit(db: Db | DbTx, name: RateLimitRuleName, subject: string): Promise<void> {
  await db.rateLimitBucket.deleteMany({ where: { key: `${name}:${subject}` } });
}

/**
 * The subject for an email or a client address: keyed with the auth secret, so bucket keys name no
 * person and a guessed address or email cannot be checked against the table. Emails are lowercased;
 * addresses count per /64 for IPv6 (client-address.ts).
 */
export const emailSubject = (email: string) => keyed(`email:${email.trim().toLowerCase()}`);
export const addressSubject = (address: string) => keyed(`address:${rateLimitAddress(address)}`);

let subjectKey: string | undefined;
function keyed(value: string): string {
  subjectKey ??= resolveAuthSecret(env);
  return createHmac("sha256", subjectKey).update(value).digest("base64url").slice(0, 32);
}

/** Windows are at most minutes long: a bucket untouched for a day only takes space. */
export async function purgeRateLimitBuckets(db: Db | DbTx, now: Date = new Date()): Promise<number> {
  const { count } = await db.rateLimitBucket.deleteMany({ where: { windowStart: { lt: new Date(now.getTime() - DAY_MS) } } });
  return count;
}

export const purgeRateLimitBucketsJob = defineJob({
  name: "rate-limits.purge",
  cron: "17 3 * * *",
  parse: () => ({}),
  run: async (_payload, ctx) => ({ purged: await purgeRateLimitBuckets(ctx.db) }),
});
