import { APIError } from "better-auth/api";
import { z } from "zod";
import { localePath } from "@/i18n/routing";
import type { Auth } from "@/server/auth";
import type { DbTx } from "@/server/db/client";
import { AppError } from "@/server/domain/errors";
import { assertEmailDomainAllowed } from "@/server/domain/identity/email-policy";
import { assertSignUpSeatAvailable } from "@/server/domain/tenancy/single-tenant";
import type { SignUpInput } from "./inputs";

export { signUpInputSchema, type SignUpInput } from "./inputs";

/** What the client sees: the same for a new address and one that already has an account. */
export const signUpOutputSchema = z.object({ email: z.string(), verificationRequired: z.literal(true) });
export type SignUpOutput = z.infer<typeof signUpOutputSchema>;

export interface SignUpResult extends SignUpOutput {
  /** The account this call created; null when the address already had one. For the server only, never the client. */
  newUserId: string | null;
}

/**
 * Journey 1, step 1. Better Auth creates the user and credential account; then finishSignUp (called from
 * src/server/domain/identity/sign-up-auth-plugin.ts) provisions the tenant, records the consents passed
 * along in the body and queues the verification mail, in one transaction. If that fails, the call
 * answers 503 (retry) and the retried call finishes it.
 *
 * An address that already has an account answers exactly like a new one (anyone could otherwise test
 * which addresses have accounts): Better Auth answers it with a made-up user and creates nothing, and
 * its holder gets the "someone tried to sign up" mail (src/server/domain/identity/sign-up-auth-plugin.ts).
 * Refused before anything else: a disposable address (email policy) and, in single-tenant mode, a
 * full workspace. Both depend on the address and the workspace only, never on an existing account.
 */
export async function signUpWithEmail(db: DbTx, auth: Auth, input: SignUpInput, headers: Headers): Promise<SignUpResult> {
  assertEmailDomainAllowed(input.email);
  // In single-tenant mode a full workspace refuses the sign-up before an account exists without a workspace.
  // An address with an account gets the same LIMIT_REACHED as a new one (no seat is free for either).
  await assertSignUpSeatAvailable(db, { email: input.email });
  const answer = { email: input.email, verificationRequired: true as const };
  try {
    // `consents` and `locale` ride along in the body for the sign-up plugin (finishSignUp, and the mail
    // to an existing account's holder).
    const body = {
      name: input.name,
      email: input.email,
      password: input.password,
      callbackURL: localePath(input.locale, "/projects"),
      consents: input.consents,
      locale: input.locale,
    };
    const result = await auth.api.signUpEmail({ body, headers });
    // A made-up user (the address had an account) is in no row.
    const created = await db.user.findUnique({ where: { id: result.user.id }, select: { id: true } });
    return { ...answer, newUserId: created?.id ?? null };
  } catch (error) {
    if (error instanceof APIError && error.statusCode < 500) {
      if ((error.body as { code?: unknown } | undefined)?.code === "EMAIL_DOMAIN_NOT_ALLOWED") {
        throw new AppError("EMAIL_DOMAIN_NOT_ALLOWED", error.message, { key: "email.domainNotAllowed", field: "email" });
      }
      // Lost a race with a concurrent sign-up for the same new address (the unique index refused the
      // insert): the account exists now, made by the other call, so answer as that call does.
      if (await db.user.findUnique({ where: { email: input.email }, select: { id: true } })) return { ...answer, newUserId: null };
      // Better Auth's own checks (password length, address format) after ours passed: a configuration mismatch.
      throw new AppError("INVALID_INPUT", error.message, { key: "signUp.refused" });
    }
    throw error;
  }
}
