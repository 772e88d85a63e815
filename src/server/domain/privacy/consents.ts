import { z } from "zod";
import type { DbTx } from "@/server/db/client";

// Bump when the terms or privacy policy change; consents name the version the user saw.
export const CURRENT_POLICY_VERSION = "2026-11-01";

export const signUpConsentsSchema = z.object({
  terms: z.literal(true, { error: "You must accept the terms and the privacy policy" }),
  marketingEmails: z.boolean().default(false),
});
export type SignUpConsents = z.infer<typeof signUpConsentsSchema>;

/** One row per purpose, so a later withdrawal is another row and the history stays. */
export function recordSignUpConsents(db: DbTx, userId: string, consents: SignUpConsents) {
  return db.userPrivacyConsent.createMany({
    data: [
      { userId, purpose: "terms", granted: consents.terms, policyVersion: CURRENT_POLICY_VERSION },
      { userId, purpose: "privacy_policy", granted: consents.terms, policyVersion: CURRENT_POLICY_VERSION },
      { userId, purpose: "marketing_emails", granted: consents.marketingEmails, policyVersion: CURRENT_POLICY_VERSION },
    ],
  });
}

export function listConsents(db: DbTx, userId: string) {
  return db.userPrivacyConsent.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    select: { id: true, purpose: true, granted: true, policyVersion: true, createdAt: true },
  });
}
