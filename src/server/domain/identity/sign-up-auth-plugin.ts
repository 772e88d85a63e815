import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { localeFromHeaders } from "@/i18n/locale-from-request";
import { isLocale } from "@/i18n/routing";
import { prisma } from "@/server/db/client";
import { isEmailDomainAllowed } from "./email-policy";
import { notifySignUpAttempt } from "./notify-sign-up-attempt";

const SIGN_UP_PATH = "/sign-up/email";

/**
 * Better Auth's /sign-up/email, whether a browser posts to /api/auth/sign-up/email or me.signUp calls
 * auth.api.signUpEmail:
 * - before: refuses an address whose domain the email policy refuses (disposable providers), judged on
 *   the address alone, so the refusal says nothing about existing accounts;
 * - after: an address that already has an account gets Better Auth's made-up success (its user id is
 *   in no row; requireEmailVerification turns that on), and its holder gets the "someone tried to sign
 *   up" mail instead. A new address answers with the user just created, whose verification mail is queued.
 */
export function signUpProtection() {
  return {
    id: "sign-up-protection",
    hooks: {
      before: [
        {
          matcher: (ctx) => ctx.path === SIGN_UP_PATH,
          handler: createAuthMiddleware(async (ctx) => {
            const email = (ctx.body as { email?: unknown } | undefined)?.email;
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
            const body = ctx.body as { email?: unknown; locale?: unknown } | undefined;
            const attemptId = returned instanceof APIError ? undefined : returned?.user?.id;
            if (typeof attemptId !== "string" || typeof body?.email !== "string") return;
            // The made-up user of an existing address is in no row.
            const created = await prisma.user.findUnique({ where: { id: attemptId }, select: { id: true } });
            const holder = created ? null : await prisma.user.findUnique({ where: { email: body.email.toLowerCase() }, select: { id: true } });
            if (!holder) return;
            // me.signUp passes the form's locale in the body; a direct call has its headers.
            const locale = isLocale(body.locale) ? body.locale : localeFromHeaders(ctx.headers);
            try {
              await notifySignUpAttempt(prisma, { userId: holder.id, attemptId, locale });
            } catch (error) {
              // The answer must stay the same as for a new address; the holder just misses this notice.
              ctx.context.logger.error("Could not queue the sign-up attempt notice", error instanceof Error ? error.name : "unknown error");
            }
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
