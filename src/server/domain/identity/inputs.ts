// What the sign-up and password forms send: validated in the browser (react-hook-form) and again by
// the server. Client-safe: no server imports.
import { z } from "@/lib/zod";
import { locales } from "@/i18n/routing";
import { signUpConsentsSchema } from "@/server/domain/privacy/consent-inputs";
import { plainText } from "@/server/domain/validation";

/** Better Auth's own limits (8..128) checked first, so its refusal never reaches the user. */
export const passwordSchema = z
  .string()
  .min(8)
  .max(128)
  .refine((s) => !s.includes("\u0000"));

export const signUpInputSchema = z.object({
  name: plainText({ min: 1, max: 80 }),
  email: z
    .email()
    .max(254)
    .transform((e) => e.toLowerCase()),
  password: passwordSchema,
  consents: signUpConsentsSchema,
  locale: z.enum(locales).default("en"),
});
export type SignUpInput = z.infer<typeof signUpInputSchema>;
