import { z } from "@/lib/zod";

/** The sign-up form's consents: the terms must be accepted (z.literal(true): "tick this box"). Client-safe. */
export const signUpConsentsSchema = z.object({
  terms: z.literal(true),
  marketingEmails: z.boolean().default(false),
});
export type SignUpConsents = z.infer<typeof signUpConsentsSchema>;
