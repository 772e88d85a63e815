import type { Env } from "@/env";
import { AppError } from "@/server/domain/errors";
import { DEMO_EMAIL_DOMAIN } from "@/server/seed/personas";

/**
 * Which email domains platform staff may have. Checked when an admin is created and again on every
 * platform procedure, so removing a domain from the list locks its staff out at once.
 *
 * Defaults when PLATFORM_ADMIN_EMAIL_DOMAINS is unset:
 * - development and tests: any domain (a fresh clone works without configuration);
 * - production: none, so nobody is platform staff until the operator lists the company's domains;
 * - production with PLAYGROUND=1 (demos and the e2e run): only the reserved demo domain, so the seeded
 *   admin persona works and no real address can qualify by accident.
 */
export type StaffEmailPolicy =
  | { kind: "any" }
  | { kind: "domains"; domains: readonly string[]; source: "env" | "playground" }
  | { kind: "none" };

export function staffEmailPolicy(env: Pick<Env, "PLATFORM_ADMIN_EMAIL_DOMAINS" | "NODE_ENV" | "PLAYGROUND">): StaffEmailPolicy {
  const listed = (env.PLATFORM_ADMIN_EMAIL_DOMAINS ?? "")
    .split(",")
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
  if (listed.length > 0) return { kind: "domains", domains: listed, source: "env" };
  if (env.NODE_ENV !== "production") return { kind: "any" };
  if (env.PLAYGROUND === "1") return { kind: "domains", domains: [DEMO_EMAIL_DOMAIN], source: "playground" };
  return { kind: "none" };
}

/** The part after the last "@", lower-cased ("" for something that is not an address). */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf("@");
  return at < 0 ? "" : email.slice(at + 1).trim().toLowerCase();
}

/** Exact domain match: "example.com" admits a@example.com, not a@mail.example.com or a@example.com.evil. */
export function isStaffEmailAllowed(policy: StaffEmailPolicy, email: string): boolean {
  if (policy.kind === "any") return true;
  if (policy.kind === "none") return false;
  const domain = emailDomain(email);
  return domain !== "" && policy.domains.includes(domain);
}

/** A sentence for the operator saying why `email` cannot be platform staff (null when it can). */
export function staffEmailRefusal(policy: StaffEmailPolicy, email: string): string | null {
  if (isStaffEmailAllowed(policy, email)) return null;
  if (policy.kind === "none") {
    return "Platform staff are disabled: PLATFORM_ADMIN_EMAIL_DOMAINS is not set, and in production no email domain is allowed until it lists your staff domains (e.g. PLATFORM_ADMIN_EMAIL_DOMAINS=example.com).";
  }
  const allowed = policy.kind === "domains" ? policy.domains.join(", ") : "";
  return `The email domain "${emailDomain(email)}" is not allowed for platform staff (allowed: ${allowed}; set PLATFORM_ADMIN_EMAIL_DOMAINS to change this).`;
}

export function assertStaffEmailAllowed(policy: StaffEmailPolicy, email: string): void {
  const refusal = staffEmailRefusal(policy, email);
  if (refusal) throw new AppError("FORBIDDEN", refusal, { key: "platform.staffEmailNotAllowed", field: "email" });
}
