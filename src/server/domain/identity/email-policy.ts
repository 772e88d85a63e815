import * as mailcheckerModule from "mailchecker";
import { env, type Env } from "@/env";
import { AppError } from "@/server/domain/errors";

// A CommonJS package: Node's own ESM loader (tsx scripts such as admin:create) exposes it only as
// `default`, bundlers and vitest expose the named functions.
const mailchecker = (mailcheckerModule as { default?: typeof mailcheckerModule }).default ?? mailcheckerModule;

/**
 * Which email domains may sign up or be invited. Refused by default: the disposable-email providers
 * the mailchecker package lists (mailinator.com, 10minutemail.com, guerrillamail.com...), updated with
 * that package. The operator adjusts it with EMAIL_DOMAIN_ALLOWLIST (accepted although listed) and
 * EMAIL_DOMAIN_DENYLIST (refused as well). Every entry covers its subdomains. Where both env lists
 * match, the more specific entry wins ("example.com" denied, "team.example.com" allowed), the
 * denylist on a tie; an allowlist entry beats the built-in list at any level.
 *
 * Checked at me.signUp, at Better Auth's own /sign-up/email (src/server/domain/identity/sign-up-auth-plugin.ts)
 * and when an invitation is created. The answer depends on the address alone, never on whether it has
 * an account, so it tells nobody anything about existing accounts.
 */
export interface EmailDomainPolicy {
  allowDomains: readonly string[];
  denyDomains: readonly string[];
}

const parseList = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((d) => normalizeDomain(d))
    .filter(Boolean);

export function emailDomainPolicy(source: Pick<Env, "EMAIL_DOMAIN_ALLOWLIST" | "EMAIL_DOMAIN_DENYLIST"> = env): EmailDomainPolicy {
  return { allowDomains: parseList(source.EMAIL_DOMAIN_ALLOWLIST), denyDomains: parseList(source.EMAIL_DOMAIN_DENYLIST) };
}

function normalizeDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/^\.+|\.+$/g, "");
}

/** The domain and each parent: "a.b.example.com" -> a.b.example.com, b.example.com, example.com, com. */
function domainAndParents(domain: string): string[] {
  const labels = domain.split(".");
  return labels.map((_, i) => labels.slice(i).join("."));
}

/** How many labels the most specific entry of `list` matching the domain has; 0 when none matches. */
function matchDepth(candidates: readonly string[], list: readonly string[]): number {
  const hit = candidates.find((c) => list.includes(c));
  return hit ? hit.split(".").length : 0;
}

export function isEmailDomainAllowed(email: string, policy: EmailDomainPolicy = emailDomainPolicy()): boolean {
  const at = email.lastIndexOf("@");
  const domain = at < 0 ? "" : normalizeDomain(email.slice(at + 1));
  if (!domain) return false;
  const candidates = domainAndParents(domain);
  const denied = matchDepth(candidates, policy.denyDomains);
  const allowed = matchDepth(candidates, policy.allowDomains);
  if (denied > 0 && denied >= allowed) return false;
  if (allowed > 0) return true;
  const disposable = mailchecker.blacklist();
  return !candidates.some((c) => disposable.has(c));
}

export function assertEmailDomainAllowed(email: string, policy?: EmailDomainPolicy): void {
  if (!isEmailDomainAllowed(email, policy)) {
    throw new AppError("EMAIL_DOMAIN_NOT_ALLOWED", "Addresses from this email provider are not accepted. Use a permanent address, such as a work email.", {
      key: "email.domainNotAllowed",
      field: "email",
    });
  }
}
