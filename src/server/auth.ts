import { createHash } from "node:crypto";
import { betterAuth } from "better-auth";
import { APIError } from "better-auth/api";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { admin, magicLink, organization, twoFactor } from "better-auth/plugins";
import { createAccessControl } from "better-auth/plugins/access";
import { env } from "@/env";
import { localeFromHeaders, localeFromLink } from "@/i18n/locale-from-request";
import { resolveAuthSecret } from "@/server/auth-secret";
import { authThrottleHooks } from "@/server/auth-throttle";
import { prisma } from "@/server/db/client";
import { signUpProtection } from "@/server/domain/identity/sign-up-auth-plugin";
import { notify } from "@/server/domain/notifications/notify";
import { rolePermissions, statements } from "@/server/domain/rbac/permissions";
import { acceptPendingInvitationsForUser } from "@/server/domain/tenancy/invitations/accept-invitation";
import { defaultTenantName } from "@/server/domain/tenancy/provision-tenant";
import { provisionTenantForNewUser } from "@/server/domain/tenancy/single-tenant";
import { databaseBusyAnswers } from "@/server/http/auth-database-busy";
import { trustedOrigins } from "@/server/http/cross-site";

// Better Auth's organization plugin checks its own endpoints against the same matrix the tRPC layer uses.
const ac = createAccessControl(statements);
const toStatements = (perms: readonly string[]) => {
  const out: Record<string, string[]> = {};
  for (const p of perms) {
    const [resource, action] = p.split(":") as [string, string];
    (out[resource] ??= []).push(action);
  }
  return out as Parameters<typeof ac.newRole>[0];
};
const roles = Object.fromEntries(
  Object.entries(rolePermissions).map(([name, perms]) => [name, ac.newRole(toStatements(perms))]),
);

// The organization plugin gives sessions an active tenant and owns the tenant tables, but every tenant
// change goes through our tRPC procedures (permission matrix, guest ceiling, seat limits, audit).
// Its own HTTP endpoints would bypass all of that, so none of them is served.
const organizationPaths = [
  "accept-invitation", "add-team-member", "cancel-invitation", "check-slug", "create", "create-role", "create-team",
  "delete", "delete-role", "get-active-member", "get-active-member-role", "get-full-organization", "get-invitation",
  "get-organization", "get-role", "has-permission", "invite-member", "leave", "list", "list-invitations", "list-members",
  "list-roles", "list-team-members", "list-teams", "list-user-invitations", "list-user-teams", "reject-invitation",
  "remove-member", "remove-team", "remove-team-member", "set-active", "set-active-team", "update", "update-member-role",
  "update-role", "update-team",
].map((p) => `/organization/${p}`);

// The emails below are queued (notify) and sent by the notifications.deliver job. Each link carries a
// fresh token, so a hash of it names the send: a retried callback queues it once, a new request anew.
const linkKey = (url: string) => createHash("sha256").update(url).digest("base64url").slice(0, 32);

// Paths that create a session from an emailed link alone. The twoFactor plugin only guards password
// sign-in, so accounts with two-factor on (all platform staff) must not get a session this way.
const SINGLE_FACTOR_LINK_PATHS = new Set(["/magic-link/verify", "/verify-email"]);

function createAuth() {
  return betterAuth({
    appName: "SaaS Template",
    baseURL: env.APP_URL,
    secret: resolveAuthSecret(env),
    // APP_URL's origin; in development also localhost, 127.0.0.1 and [::1] on the dev port (one rule with
    // the API routes' cross-site check).
    trustedOrigins: trustedOrigins(),
    telemetry: { enabled: false },
    // Unexpected errors reach the auth route (src/app/api/auth/[...all]/route.ts), which answers a busy
    // database 503 + Retry-After instead of Better Auth's bare 500. Its APIErrors (4xx) stay answers.
    onAPIError: { throw: true },
    disabledPaths: organizationPaths,
    // Rate limits live in the shared policies (src/server/domain/rate-limit/auth-limits.ts), counted in
    // PostgreSQL across instances, per client address and per account, in every mode; the hooks apply
    // them to every HTTP endpoint. Better Auth's own limiter (in memory, per process, production only)
    // would add nothing on top.
    rateLimit: { enabled: false },
    hooks: authThrottleHooks,
    // `npm start` (scripts/start.ts) replaces X-Forwarded-For with the one address it trusts, and
    // Vercel's edge sets it to the client's, so Better Auth (session IP) reads that single value.
    advanced: { ipAddress: { ipAddressHeaders: ["x-forwarded-for"] } },
    database: prismaAdapter(prisma, { provider: "postgresql" }),
    emailAndPassword: {
      enabled: true,
      requireEmailVerification: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      revokeSessionsOnPasswordReset: true,
      // An existing address gets a made-up user (requireEmailVerification turns that on), which must look
      // exactly like a new one: Better Auth leaves the admin plugin's default role out of it (role: null).
      customSyntheticUser: ({ coreFields, additionalFields, id }) => ({ ...coreFields, role: "user", ...additionalFields, id }),
      // Using the emailed reset link proves the mailbox, just as the verification link would.
      onPasswordReset: async ({ user }) => {
        await prisma.user.update({ where: { id: user.id }, data: { emailVerified: true } });
      },
      sendResetPassword: async ({ user, url }, request) => {
        await notify(prisma, {
          event: "auth.reset-password",
          recipients: [{ email: user.email, locale: localeFromHeaders(request?.headers) }],
          data: { name: user.name, url },
          idempotencyKey: `reset-password:${linkKey(url)}`,
        });
      },
    },
    emailVerification: {
      // The sign-up's verification mail is queued by finishSignUp (src/server/domain/identity/finish-sign-up.ts),
      // with the workspace, in one transaction, so a failed sign-up can be finished once by its retry.
      // This callback sends the links a user asks for again (/send-verification-email).
      sendOnSignUp: false,
      autoSignInAfterVerification: true,
      sendVerificationEmail: async ({ user, url }, request) => {
        await notify(prisma, {
          event: "auth.verify-email",
          recipients: [{ email: user.email, locale: localeFromLink(url, request?.headers) }],
          data: { name: user.name, url },
          idempotencyKey: `verify-email:${linkKey(url)}`,
        });
      },
    },
    databaseHooks: {
      session: {
        create: {
          // Every new session starts in a tenant of the user. Pending invitations to the user's
          // VERIFIED address are accepted first and the newest invited tenant is the active one
          // (journeys 2 and 3; not while an admin impersonates). Otherwise the first tenant; if the
          // user has none (sign-up crashed before the tenant was made, or the invitation they signed
          // up with expired or was revoked), it is made now (provisioning is idempotent).
          before: async (session, ctx) => {
            if (ctx?.path && SINGLE_FACTOR_LINK_PATHS.has(ctx.path)) {
              const user = await prisma.user.findUnique({ where: { id: session.userId }, select: { twoFactorEnabled: true } });
              if (user?.twoFactorEnabled) {
                throw new APIError("FORBIDDEN", {
                  code: "TWO_FACTOR_REQUIRED",
                  message: "This account uses two-factor authentication: sign in with your password and a code",
                });
              }
            }
            const isPlatformUser = (await prisma.platformRoleAssignment.count({ where: { userId: session.userId } })) > 0;
            const impersonated = Boolean((session as { impersonatedBy?: string | null }).impersonatedBy);
            if (!isPlatformUser && !impersonated) {
              const invitedTo = (await acceptPendingInvitationsForUser(prisma, { userId: session.userId })).at(-1);
              if (invitedTo) return { data: { ...session, activeOrganizationId: invitedTo.tenantId } };
            }
            const membership = await prisma.tenantMember.findFirst({
              where: { userId: session.userId, tenant: { deletedAt: null } },
              orderBy: { createdAt: "asc" },
              select: { tenantId: true },
            });
            if (membership) return { data: { ...session, activeOrganizationId: membership.tenantId } };
            if (isPlatformUser) return;
            const user = await prisma.user.findUniqueOrThrow({ where: { id: session.userId }, select: { name: true } });
            const locale = localeFromHeaders(ctx?.request?.headers ?? ctx?.headers);
            const { tenant } = await provisionTenantForNewUser(prisma, {
              userId: session.userId,
              tenantName: defaultTenantName(user.name, locale),
            });
            return { data: { ...session, activeOrganizationId: tenant.id } };
          },
        },
      },
    },
    plugins: [
      organization({
        ac,
        roles,
        creatorRole: "owner",
        schema: {
          organization: { modelName: "tenant" },
          member: { modelName: "tenantMember", fields: { organizationId: "tenantId" } },
          invitation: { modelName: "tenantInvitation", fields: { organizationId: "tenantId" } },
        },
      }),
      admin({ defaultRole: "user" }),
      // TOTP for everyone who wants it; required for platform staff (enforced by platformProcedure).
      twoFactor({ issuer: "SaaS Template", schema: { twoFactor: { modelName: "twoFactor" } } }),
      magicLink({
        // Sign-up happens on the sign-up form (terms accepted, consents recorded); links only sign in.
        disableSignUp: true,
        expiresIn: 60 * 10,
        sendMagicLink: async ({ email, url }, ctx) => {
          // Links only sign in, so an address without an account gets no mail (the caller's answer is the same).
          const account = await prisma.user.findUnique({ where: { email: email.toLowerCase() }, select: { id: true } });
          if (!account) return;
          await notify(prisma, {
            event: "auth.magic-link",
            recipients: [{ email, locale: localeFromHeaders(ctx?.request?.headers ?? ctx?.headers) }],
            data: { url },
            idempotencyKey: `magic-link:${linkKey(url)}`,
          });
        },
      }),
      // Disposable-address refusal, finishing sign-ups (workspace, consents, verification mail) and the
      // "someone tried to sign up" mail (sign-up answers the same either way).
      signUpProtection(),
      databaseBusyAnswers(), // no free database connection: 503 + Retry-After, not 500
      nextCookies(), // must stay last: lets server actions set the session cookie
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

// Built on first use rather than at import, so `next build` (which imports route modules) does not
// need the production secret; `instrumentation.ts` checks the secret when the server starts.
let instance: Auth | undefined;
export function getAuth(): Auth {
  instance ??= createAuth();
  return instance;
}

export type AuthSession = NonNullable<Awaited<ReturnType<Auth["api"]["getSession"]>>>;
