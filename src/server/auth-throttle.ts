import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { prisma } from "@/server/db/client";
import {
  clearAuthLimitsOnSuccess,
  consumeAuthLimits,
  userSourceOf,
  type AuthCaller,
} from "@/server/domain/rate-limit/auth-limits";
import { clientAddressFrom } from "@/server/http/client-address";

// The rate limits of Better Auth's HTTP endpoints (rules in src/server/domain/rate-limit/auth-limits.ts),
// as Better Auth hooks: they run for requests to /api/auth/* only (calls through auth.api have no
// request; the tRPC procedures that make them are limited by authEndpointProcedure). Counted in
// PostgreSQL, shared by all instances, keyed by the trusted client address that `npm start` (or
// Vercel) put in X-Forwarded-For, and per account / per user where a secret is being guessed.

type HookContext = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];

/** Better Auth's own limiter answers with this body; the UI shows errors.RATE_LIMITED for any 429. */
const TOO_MANY_REQUESTS = "Too many requests. Please try again later.";

const TWO_FACTOR_COOKIE = "two_factor"; // better-auth/plugins/two-factor TWO_FACTOR_COOKIE_NAME

async function callerOf(ctx: HookContext): Promise<AuthCaller> {
  const body = ctx.body as { email?: unknown } | undefined;
  return {
    address: clientAddressFrom(ctx.request!.headers),
    email: typeof body?.email === "string" ? body.email : null,
    userId: ctx.path ? await userIdFor(ctx, userSourceOf(ctx.path)) : null,
  };
}

/**
 * Whom a secret is being tried for. A two-factor code: the user of the pending sign-in (the signed
 * two-factor cookie names a verification row holding the user id), or the signed-in user confirming
 * set-up. A password re-checked for a signed-in user: the session's user only.
 */
async function userIdFor(ctx: HookContext, source: ReturnType<typeof userSourceOf>): Promise<string | null> {
  if (!source) return null;
  if (source === "challengeOrSession") {
    const pending = await ctx.getSignedCookie(ctx.context.createAuthCookie(TWO_FACTOR_COOKIE).name, ctx.context.secret);
    if (pending) return (await ctx.context.internalAdapter.findVerificationValue(pending))?.value ?? null;
  }
  const token = await ctx.getSignedCookie(ctx.context.authCookies.sessionToken.name, ctx.context.secret);
  if (token) return (await ctx.context.internalAdapter.findSession(token))?.user.id ?? null;
  return null;
}

const callers = new WeakMap<Request, AuthCaller>();

export const authThrottleHooks = {
  before: createAuthMiddleware(async (ctx) => {
    if (!ctx.request || !ctx.path) return;
    const caller = await callerOf(ctx);
    callers.set(ctx.request, caller);
    const decision = await consumeAuthLimits(prisma, ctx.path, caller);
    if (!decision.allowed) {
      const seconds = String(decision.retryAfterSeconds);
      throw new APIError("TOO_MANY_REQUESTS", { message: TOO_MANY_REQUESTS }, { "Retry-After": seconds, "X-Retry-After": seconds });
    }
  }),
  after: createAuthMiddleware(async (ctx) => {
    if (!ctx.request || !ctx.path) return;
    const caller = callers.get(ctx.request);
    if (!caller || isAPIError(ctx.context.returned)) return;
    // A successful two-factor call consumed the pending cookie; the response names the user.
    const userId = caller.userId ?? (ctx.context.returned as { user?: { id?: string } } | undefined)?.user?.id ?? null;
    await clearAuthLimitsOnSuccess(prisma, ctx.path, { ...caller, userId });
  }),
};
