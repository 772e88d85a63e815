/**
 * Context and procedure builders: the ONE place where authentication, tenancy, permissions and rate
 * limits are enforced. Edit this file when a new kind of caller appears; routers only pick a builder
 * and call the domain.
 */
import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import { env } from "@/env";
import { getAuth, type AuthSession } from "@/server/auth";
import { prisma } from "@/server/db/client";
import { DATABASE_BUSY_MESSAGE, isDatabaseBusy } from "@/server/db/pool-errors";
import { scopeToTenant } from "@/server/db/tenant-scope";
import { AppError, appErrorFromPrisma, type AppErrorCode, type UserMessage } from "@/server/domain/errors";
import { assertPlatformAccess } from "@/server/domain/platform/platform-access";
import { consumeAuthLimits, type LimitedAuthPath } from "@/server/domain/rate-limit/auth-limits";
import { enforceRateLimit, type RateLimitRuleName } from "@/server/domain/rate-limit/rate-limit";
import { assertServiceToken } from "@/server/domain/platform/service-token";
import { staffEmailPolicy } from "@/server/domain/platform/staff-email-policy";
import { can, type Permission } from "@/server/domain/rbac/permissions";
import { resolvePermissions } from "@/server/domain/rbac/resolve-permissions";
import { resolveActiveMembership } from "@/server/domain/tenancy/memberships";
import { clientAddressFrom } from "@/server/http/client-address";
import { fieldIssuesOf, zodIssueText } from "@/server/api/zod-issues";

export interface TRPCContextOptions {
  headers: Headers;
  /** Tests pass the session they signed in; requests resolve it from the cookie. */
  session?: AuthSession | null;
  /** The HTTP response's headers (fetchRequestHandler's createContext): a procedure may set a cookie. Absent for server callers. */
  resHeaders?: Headers;
}

export async function createTRPCContext(opts: TRPCContextOptions) {
  const session = opts.session !== undefined ? opts.session : await getAuth().api.getSession({ headers: opts.headers });
  return { db: prisma, session, headers: opts.headers, resHeaders: opts.resHeaders };
}
export type TRPCContext = Awaited<ReturnType<typeof createTRPCContext>>;

export interface ProcedureMeta {
  /** Set by tenantProcedure: what the caller must be allowed to do in the active tenant. */
  permission?: Permission;
  /** Set by tenantProcedure / platformProcedure: which kind of caller this procedure is for. */
  scope?: "tenant" | "platform";
  /** Set by tenantProcedure's rateLimit option: the rule counted per user and tenant. */
  rateLimit?: RateLimitRuleName;
}

const appErrorToTRPC: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  UNAUTHENTICATED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  INVALID_INPUT: "BAD_REQUEST",
  NO_ACTIVE_TENANT: "FORBIDDEN",
  EMAIL_TAKEN: "CONFLICT",
  EMAIL_DOMAIN_NOT_ALLOWED: "BAD_REQUEST",
  EMAIL_NOT_VERIFIED: "FORBIDDEN",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  LIMIT_REACHED: "FORBIDDEN",
  LAST_OWNER: "CONFLICT",
  ALREADY_MEMBER: "CONFLICT",
  INVITATION_INVALID: "BAD_REQUEST",
  TWO_FACTOR_REQUIRED: "FORBIDDEN",
  PLATFORM_USER: "FORBIDDEN",
  BILLING_NOT_CONFIGURED: "PRECONDITION_FAILED",
  PAYMENT_PROVIDER_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  PAYMENT_PROVIDER_ERROR: "BAD_GATEWAY",
};

const t = initTRPC
  .context<TRPCContext>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const zodIssues = cause instanceof ZodError ? fieldIssuesOf(cause) : null;
      // Never a stack, nor an unexpected error's own message: both name server files (Prisma's messages
      // quote the calling source). The route's onError logs them.
      const { stack: _stack, ...data } = shape.data;
      return {
        ...shape,
        message:
          error.code === "INTERNAL_SERVER_ERROR"
            ? "Something went wrong"
            : zodIssues
              ? zodIssues.map((i) => (i.field ? `${i.field}: ${i.text}` : i.text)).join("; ")
              : shape.message,
        data: {
          ...data,
          appCode: cause instanceof AppError ? cause.code : null,
          limit: cause instanceof AppError ? (cause.details ?? null) : null,
          /** What to tell the user: errors.<key> of messages/*.json with these ICU arguments (src/components/error-text.ts). */
          userMessage: cause instanceof AppError ? userMessageOf(cause.user) : null,
          /** The input field an AppError is about, so the form shows it there. */
          field: cause instanceof AppError ? (cause.user.field ?? null) : null,
          /** Invalid input, per field, as message keys the client translates (validation.* in messages/*.json). */
          fieldIssues: zodIssues?.map(({ field, key, params }) => ({ field, key, params })) ?? null,
          /** The same in English, for API callers. */
          zodError: cause instanceof ZodError ? z.flattenError(cause, zodIssueText) : null,
        },
      };
    },
  });

const userMessageOf = (user: UserMessage) => ({ key: user.key, params: user.params ?? {} });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

// Domain functions throw AppError; here it becomes the matching tRPC error (never a 500). A database
// refusal no use case mapped (unique, not found, foreign key) becomes its AppError first: the one
// fallback, so use cases map a Prisma error themselves only to say something more specific. A busy
// database (pool exhausted) is a retryable 503, not a 500.
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause instanceof AppError ? result.error.cause : appErrorFromPrisma(result.error.cause);
  if (cause) throw new TRPCError({ code: appErrorToTRPC[cause.code], message: cause.message, cause });
  if (isDatabaseBusy(result.error.cause)) {
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: DATABASE_BUSY_MESSAGE, cause: result.error.cause });
  }
  return result;
});

const fail = (code: AppErrorCode, message: string, user: UserMessage) => new AppError(code, message, user);

export const publicProcedure = t.procedure.use(domainErrors);

/**
 * A public procedure that does what the Better Auth endpoint `path` does (through auth.api, which the
 * HTTP limits do not see): it counts against that endpoint's rules under the same keys, so the UI's
 * path and /api/auth share one allowance (src/server/domain/rate-limit/auth-limits.ts). Per trusted
 * client address (X-Forwarded-For as `npm start` or Vercel set it; not counted without one, as for
 * server-side callers) and per `email` in the input when the endpoint counts emails.
 */
export function authEndpointProcedure(path: LimitedAuthPath) {
  return publicProcedure.use(async ({ ctx, getRawInput, next }) => {
    const input = (await getRawInput()) as { email?: unknown } | undefined;
    const email = typeof input?.email === "string" ? input.email : null;
    const decision = await consumeAuthLimits(ctx.db, path, { address: clientAddressFrom(ctx.headers), email });
    if (!decision.allowed) {
      throw fail("RATE_LIMITED", `Too many requests. Try again in ${decision.retryAfterSeconds} s.`, {
        key: "rateLimit.retryIn",
        params: { seconds: decision.retryAfterSeconds },
      });
    }
    return next();
  });
}

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw fail("UNAUTHENTICATED", "Sign in to continue", { key: "auth.signInRequired" });
  return next({ ctx: { session: ctx.session, user: ctx.session.user } });
});

/**
 * A signed-in customer: platform staff are refused (journey 4: they reach tenants only through
 * impersonation), so workspace procedures never serve a platform account.
 */
export const memberProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  const staff = await ctx.db.platformRoleAssignment.count({ where: { userId: ctx.user.id } });
  if (staff > 0) throw fail("PLATFORM_USER", "Platform staff accounts cannot use workspace features", { key: "auth.platformUser" });
  return next();
});

/**
 * A procedure that acts inside the caller's active tenant and needs `permission` there. Its ctx.db
 * is scoped to that tenant, so a forgotten where cannot reach another tenant's rows.
 */
export function tenantProcedure(permission: Permission, options: { rateLimit?: RateLimitRuleName } = {}) {
  const { rateLimit } = options;
  return memberProcedure.meta({ permission, scope: "tenant", ...(rateLimit ? { rateLimit } : {}) }).use(async ({ ctx, next }) => {
    const membership = await resolveActiveMembership(ctx.db, {
      userId: ctx.user.id,
      activeTenantId: ctx.session.session.activeOrganizationId,
    });
    if (!membership) throw fail("NO_ACTIVE_TENANT", "You are not a member of any workspace", { key: "tenancy.noActiveTenant" });
    const permissions = await resolvePermissions(ctx.db, membership);
    if (!can(permissions, permission)) throw fail("FORBIDDEN", "Your role does not allow this", { key: "auth.roleForbids" });
    // Counted after the permission check, so refused callers cannot use up a member's allowance.
    if (rateLimit) await enforceRateLimit(ctx.db, rateLimit, `${membership.tenantId}:${ctx.user.id}`);
    return next({
      ctx: { tenant: membership.tenant, membership, permissions, db: scopeToTenant(ctx.db, membership.tenantId) },
    });
  });
}

/**
 * Platform staff (journey 4): a platform_role_assignments row, an email in the staff domain allowlist,
 * no workspace membership and two-factor authentication on (else TWO_FACTOR_REQUIRED). The rules live
 * in src/server/domain/platform/platform-access.ts.
 */
export const platformProcedure = protectedProcedure.meta({ scope: "platform" }).use(async ({ ctx, next }) => {
  const platformRoles = await assertPlatformAccess(ctx.db, { userId: ctx.user.id, policy: staffEmailPolicy(env) });
  return next({ ctx: { platformRoles } });
});

/**
 * System callers only (provisioning scripts, other services): `Authorization: Bearer
 * <INTERNAL_SERVICE_TOKEN>`, compared in constant time; no session involved or needed. With the token
 * unset every internal call is refused.
 */
export const internalProcedure = publicProcedure.use(({ ctx, next }) => {
  assertServiceToken({ authorization: ctx.headers.get("authorization"), expected: env.INTERNAL_SERVICE_TOKEN });
  return next({ ctx: { caller: { kind: "internal_api" as const } } });
});
