import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, createEmailVerificationToken, isAPIError } from "better-auth/api";
import { localeFromHeaders, localeFromLink } from "@/i18n/locale-from-request";
import { isLocale } from "@/i18n/routing";
import { prisma } from "@/server/db/client";
import { DATABASE_BUSY_MESSAGE, DatabaseBusyError } from "@/server/db/pool-errors";
import { AppError } from "@/server/domain/errors";
import { signUpConsentsSchema } from "@/server/domain/privacy/consents";
import { isEmailDomainAllowed } from "./email-policy";
import { finishSignUp } from "./finish-sign-up";
import { notifySignUpAttempt } from "./notify-sign-up-attempt";

const SIGN_UP_PATH = "/sign-up/email";
const SIGN_IN_PATH = "/sign-in/email";

type HookContext = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];
type Body = { email?: unknown; locale?: unknown; consents?: unknown; callbackURL?: unknown } | undefined;

/** The account of the address in the request body, if it has one. */
async function accountInBody(ctx: HookContext) {
  const email = (ctx.body as Body)?.email;
  if (typeof email !== "string") return null;
  return prisma.user.findUnique({ where: { email: email.toLowerCase() }, select: { id: true, email: true, emailVerified: true } });
}

/** The verification link as Better Auth builds it (sendVerificationEmailFn), to the request's callback page. */
async function verificationUrl(ctx: HookContext, user: { id: string; email: string }): Promise<string> {
  const callbackURL = (ctx.body as Body)?.callbackURL;
  const token = await createEmailVerificationToken(ctx.context.secret, user.email, undefined, ctx.context.options.emailVerification?.expiresIn, {
    userId: user.id,
  });
  return `${ctx.context.baseURL}/verify-email?token=${token}&callbackURL=${encodeURIComponent(typeof callbackURL === "string" ? callbackURL : "/")}`;
}

/**
 * finishSignUp for the account, in the language of the form (me.signUp passes it in the body; otherwise
 * the link's callback page, then the request); true when the sign-up was unfinished. A failure is
 * answered 503 + Retry-After, since the retry finishes the sign-up; a domain refusal (a full
 * single-tenant workspace) stays a refusal.
 */
async function finishSignUpOrRetryLater(ctx: HookContext, user: { id: string; email: string }) {
  const body = ctx.body as Body;
  const url = await verificationUrl(ctx, user);
  const locale = isLocale(body?.locale) ? body.locale : localeFromLink(url, ctx.headers);
  const consents = signUpConsentsSchema.safeParse(body?.consents);
  try {
    const { wasUnfinished } = await finishSignUp(prisma, {
      userId: user.id,
      verificationUrl: url,
      locale,
      consents: consents.success ? consents.data : undefined,
    });
    return wasUnfinished;
  } catch (error) {
    if (error instanceof AppError) throw error;
    ctx.context.logger.error("Could not finish a sign-up (its retry or first sign-in will)", error);
    // Whatever the cause (mostly a transaction that ran out of time under load), the client's move is to retry.
    throw new DatabaseBusyError(DATABASE_BUSY_MESSAGE, { cause: error });
  }
}

/**
 * Better Auth's /sign-up/email, whether a browser posts to /api/auth/sign-up/email or me.signUp calls
 * auth.api.signUpEmail, and /sign-in/email:
 * - before sign-up: refuses an address whose domain the email policy refuses (disposable providers),
 *   judged on the address alone, so the refusal says nothing about existing accounts;
 * - after sign-up: Better Auth has created the account (or, for an address that already has one, made
 *   up a user that is in no row; requireEmailVerification turns that on). An unverified account whose
 *   sign-up has not finished (a new one, or one whose earlier attempt failed part-way) gets its
 *   workspace, consents and verification mail now (finishSignUp). Any other existing account's holder
 *   gets the "someone tried to sign up" mail instead. Both answer the same;
 * - after sign-in refused for an unverified address (the password was right): finishes the sign-up
 *   if an earlier attempt failed part-way, so the user gets the verification mail they never had.
 */
export function signUpProtection() {
  return {
    id: "sign-up-protection",
    hooks: {
      before: [
        {
          matcher: (ctx) => ctx.path === SIGN_UP_PATH,
          handler: createAuthMiddleware(async (ctx) => {
            const email = (ctx.body as Body)?.email;
            if (typeof email === "string" && !isEmailDomainAllowed(email)) {
              throw new APIError("BAD_REQUEST", {
                code: "EMAIL_DOMAIN_NOT_ALLOWED",
                message: "Addresses from this email provider are not accepted. Use a permanent address, such as a work email.",
              });
            }
          }),
        },
      ],
      after: [
        {
          matcher: (ctx) => ctx.path === SIGN_UP_PATH,
          handler: createAuthMiddleware(async (ctx) => {
            const returned = ctx.context.returned as { user?: { id?: unknown } } | null | undefined;
            const attemptId = isAPIError(returned) ? undefined : returned?.user?.id;
            if (typeof attemptId !== "string") return;
            const account = await accountInBody(ctx);
            if (!account) return;
            if (!account.emailVerified && (await finishSignUpOrRetryLater(ctx, account))) return;
            // The holder's mail, in the form's language (me.signUp passes it in the body; a direct call has its headers).
            const body = ctx.body as Body;
            const locale = isLocale(body?.locale) ? body.locale : localeFromHeaders(ctx.headers);
            try {
              await notifySignUpAttempt(prisma, { userId: account.id, attemptId, locale });
            } catch (error) {
              // The answer must stay the same as for a new address; the holder just misses this notice.
              ctx.context.logger.error("Could not queue the sign-up attempt notice", error instanceof Error ? error.name : "unknown error");
            }
          }),
        },
        {
          matcher: (ctx) => ctx.path === SIGN_IN_PATH,
          handler: createAuthMiddleware(async (ctx) => {
            const returned: unknown = ctx.context.returned;
            if (!isAPIError(returned) || (returned.body as { code?: unknown } | undefined)?.code !== "EMAIL_NOT_VERIFIED") return;
            const account = await accountInBody(ctx);
            if (account && !account.emailVerified) await finishSignUpOrRetryLater(ctx, account);
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
