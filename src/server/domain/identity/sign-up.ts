import { APIError } from "better-auth/api";
import { z } from "zod";
import { locales, localePath } from "@/i18n/routing";
import type { Auth } from "@/server/auth";
import type { DbTx } from "@/server/db/client";
import { AppError } from "@/server/domain/errors";
import { signUpConsentsSchema } from "@/server/domain/privacy/consents";
import { assertSignUpSeatAvailable } from "@/server/domain/tenancy/single-tenant";
import { plainText } from "@/server/domain/validation";

export const signUpInputSchema = z.object({
  name: plainText({ min: 1, max: 80, tooShort: "Enter your name", tooLong: "Names are at most 80 characters" }),
  email: z
    .email("Enter a valid email address")
    .max(254)
    .transform((e) => e.toLowerCase()),
  password: z
    .string()
    .min(8, "Passwords have at least 8 characters")
    .max(128, "Passwords have at most 128 characters")
    .refine((s) => !s.includes("\u0000"), "Passwords cannot contain NUL characters"),
  consents: signUpConsentsSchema,
  locale: z.enum(locales).default("en"),
});
export type SignUpInput = z.infer<typeof signUpInputSchema>;

const emailTaken = () =>
  new AppError("EMAIL_TAKEN", "An account with this email already exists. Sign in, or reset your password.");

/**
 * Journey 1, step 1. Better Auth creates the user and credential account and sends the verification
 * mail; its user hook provisions the tenant and records the consents passed along in the body.
 * A duplicate email gets a clear error (Better Auth alone would answer a silent fake success).
 */
export async function signUpWithEmail(db: DbTx, auth: Auth, input: SignUpInput, headers: Headers) {
  if (await db.user.findUnique({ where: { email: input.email }, select: { id: true } })) throw emailTaken();
  // In single-tenant mode a full workspace refuses the sign-up before an account exists without a workspace.
  await assertSignUpSeatAvailable(db, { email: input.email });
  try {
    // `consents` rides along in the body for the user-created hook (src/server/auth.ts).
    const body = {
      name: input.name,
      email: input.email,
      password: input.password,
      callbackURL: localePath(input.locale, "/projects"),
      consents: input.consents,
    };
    const result = await auth.api.signUpEmail({ body, headers });
    // Better Auth answers a duplicate with a made-up user (anti-enumeration); that happens here only
    // if another sign-up for this email won the race after our check above.
    if (!(await db.user.findUnique({ where: { id: result.user.id }, select: { id: true } }))) throw emailTaken();
    return { userId: result.user.id, email: input.email, verificationRequired: true as const };
  } catch (error) {
    if (error instanceof APIError && error.statusCode < 500) {
      // Lost a race with a second sign-up for the same email: the unique index refused the insert.
      if (await db.user.findUnique({ where: { email: input.email }, select: { id: true } })) throw emailTaken();
      throw new AppError("INVALID_INPUT", error.message);
    }
    throw error;
  }
}
