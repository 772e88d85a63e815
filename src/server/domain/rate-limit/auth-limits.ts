import type { Db, DbTx } from "@/server/db/client";
import {
  addressSubject,
  clearRateLimit,
  consumeRateLimit,
  emailSubject,
  type RateLimitRuleName,
} from "@/server/domain/rate-limit/rate-limit";

// Which rate-limit rules (rate-limit.ts) each Better Auth endpoint counts. Applied in one place for
// HTTP calls (src/server/auth-throttle.ts, a Better Auth hook) and by authEndpointProcedure in
// src/server/api/trpc.ts for procedures that call an endpoint through auth.api (not counted there), so
// both paths share one count. Add a path here when the UI starts calling a new endpoint that sends
// email or checks a secret.

interface AuthEndpointLimits {
  /** Counted per trusted client address; skipped when the address is unknown. */
  readonly perAddress: RateLimitRuleName;
  /** Counted per email in the request body (hashed, lowercased). */
  readonly perEmail?: RateLimitRuleName;
  /** Counted per user the request acts for, named by `userFrom`. */
  readonly perUser?: RateLimitRuleName;
  /**
   * Where that user comes from: the pending two-factor sign-in (else the session), or the session only
   * (so nobody can move a signed-in user's count onto another account with a challenge cookie of their own).
   */
  readonly userFrom?: "challengeOrSession" | "session";
  /** A successful call clears the per-email / per-user count: it proved the secret. */
  readonly clearOnSuccess?: boolean;
}

const twoFactor = { perAddress: "twoFactorPerAddress", perUser: "twoFactorPerUser", userFrom: "challengeOrSession", clearOnSuccess: true } as const;
/** Endpoints of a signed-in user that check the password again (the user is the session's). */
const passwordCheck = { perAddress: "authPerAddress", perUser: "passwordCheckPerUser", userFrom: "session", clearOnSuccess: true } as const;

export const AUTH_ENDPOINT_LIMITS = {
  "/sign-in/email": { perAddress: "signInPerAddress", perEmail: "signInPerAccount", clearOnSuccess: true },
  "/sign-up/email": { perAddress: "signUpPerAddress" },
  "/sign-in/magic-link": { perAddress: "magicLinkPerAddress", perEmail: "magicLinkPerEmail" },
  "/request-password-reset": { perAddress: "passwordResetPerAddress", perEmail: "passwordResetPerEmail" },
  "/send-verification-email": { perAddress: "verificationEmailPerAddress", perEmail: "verificationEmailPerEmail" },
  "/two-factor/verify-totp": twoFactor,
  "/two-factor/verify-backup-code": twoFactor,
  "/two-factor/verify-otp": twoFactor,
  "/change-password": passwordCheck,
  "/two-factor/enable": passwordCheck,
  "/two-factor/disable": passwordCheck,
  "/two-factor/get-totp-uri": passwordCheck,
  "/two-factor/generate-backup-codes": passwordCheck,
} as const satisfies Record<string, AuthEndpointLimits>;

export type LimitedAuthPath = keyof typeof AUTH_ENDPOINT_LIMITS;

/** Every other endpoint: a per-address ceiling only. */
const OTHER_ENDPOINT: AuthEndpointLimits = { perAddress: "authPerAddress" };

export interface AuthCaller {
  /** The trusted client address (src/server/http/client-address.ts); null when unknown. */
  address: string | null;
  email?: string | null;
  userId?: string | null;
}

export type AuthLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Whose count a call to `path` adds to, beyond its address and email: see `userFrom`. */
export function userSourceOf(path: string): AuthEndpointLimits["userFrom"] | null {
  return limitsFor(path).userFrom ?? null;
}

function limitsFor(path: string): AuthEndpointLimits {
  return (AUTH_ENDPOINT_LIMITS as Record<string, AuthEndpointLimits>)[path] ?? OTHER_ENDPOINT;
}

/**
 * Counts one call to `path` against its rules, the address first (a refused address counts nothing
 * else). Refused when any rule is over its limit.
 */
export async function consumeAuthLimits(db: Db | DbTx, path: string, caller: AuthCaller, now: Date = new Date()): Promise<AuthLimitDecision> {
  const limits = limitsFor(path);
  const counts: [RateLimitRuleName, string][] = [];
  if (caller.address) counts.push([limits.perAddress, addressSubject(caller.address)]);
  if (limits.perEmail && caller.email) counts.push([limits.perEmail, emailSubject(caller.email)]);
  if (limits.perUser && caller.userId) counts.push([limits.perUser, caller.userId]);
  for (const [rule, subject] of counts) {
    const decision = await consumeRateLimit(db, rule, subject, now);
    if (!decision.allowed) return decision;
  }
  return { allowed: true };
}

/** After a successful call that proved a secret: that account's or user's count starts again. */
export async function clearAuthLimitsOnSuccess(db: Db | DbTx, path: string, caller: AuthCaller): Promise<void> {
  const limits = limitsFor(path);
  if (!limits.clearOnSuccess) return;
  if (limits.perEmail && caller.email) await clearRateLimit(db, limits.perEmail, emailSubject(caller.email));
  if (limits.perUser && caller.userId) await clearRateLimit(db, limits.perUser, caller.userId);
}
