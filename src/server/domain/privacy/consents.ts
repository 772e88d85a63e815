import type { DbTx } from "@/server/db/client";
import type { SignUpConsents } from "./consent-inputs";

export { signUpConsentsSchema, type SignUpConsents } from "./consent-inputs";

// Bump when the terms or privacy policy change; consents name the version the user saw.
export const CURRENT_POLICY_VERSION = "2026-11-01";

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
