/**
 * The email domain policy (src/server/domain/identity/email-policy.ts): disposable providers refused by
 * default (the mailchecker list), EMAIL_DOMAIN_ALLOWLIST overriding that list, EMAIL_DOMAIN_DENYLIST adding
 * to it, subdomains covered, the more specific entry winning between the two env lists.
 */
import { describe, expect, it } from "vitest";
import { assertEmailDomainAllowed, emailDomainPolicy, isEmailDomainAllowed } from "@/server/domain/identity/email-policy";

const none = emailDomainPolicy({});

describe("email domain policy", () => {
  it("refuses the well-known disposable providers by default, and their subdomains, in any letter case", () => {
    for (const domain of ["mailinator.com", "10minutemail.com", "guerrillamail.com", "yopmail.com"]) {
      expect(isEmailDomainAllowed(`someone@${domain}`, none), domain).toBe(false);
      expect(isEmailDomainAllowed(`someone@inbox.${domain}`, none), `inbox.${domain}`).toBe(false);
      expect(isEmailDomainAllowed(`Someone@${domain.toUpperCase()}`, none), domain.toUpperCase()).toBe(false);
    }
    expect(isEmailDomainAllowed("someone@mailinator.com.", none)).toBe(false); // trailing dot
  });

  it("accepts ordinary providers and company domains", () => {
    for (const email of ["ada@gmail.com", "ada@example.com", "ada@demo.example.com", "ada@mail.company.co.uk", "ada@outlook.de"]) {
      expect(isEmailDomainAllowed(email, none), email).toBe(true);
    }
  });

  it("refuses something that has no domain", () => {
    expect(isEmailDomainAllowed("no-at-sign", none)).toBe(false);
    expect(isEmailDomainAllowed("trailing@", none)).toBe(false);
  });

  it("the allowlist overrides the built-in list, for the domain and its subdomains", () => {
    const policy = emailDomainPolicy({ EMAIL_DOMAIN_ALLOWLIST: " Mailinator.com , " });
    expect(policy.allowDomains).toEqual(["mailinator.com"]);
    expect(isEmailDomainAllowed("qa@mailinator.com", policy)).toBe(true);
    expect(isEmailDomainAllowed("qa@team.mailinator.com", policy)).toBe(true);
    expect(isEmailDomainAllowed("qa@10minutemail.com", policy)).toBe(false); // only what it lists
    expect(isEmailDomainAllowed("qa@notmailinator.com", policy)).toBe(false); // a look-alike, not a subdomain: still on the built-in list
  });

  it("the denylist adds domains, subdomains included, but not look-alikes", () => {
    const policy = emailDomainPolicy({ EMAIL_DOMAIN_DENYLIST: "competitor.example,rival.io" });
    expect(isEmailDomainAllowed("spy@competitor.example", policy)).toBe(false);
    expect(isEmailDomainAllowed("spy@eu.competitor.example", policy)).toBe(false);
    expect(isEmailDomainAllowed("spy@RIVAL.io", policy)).toBe(false);
    expect(isEmailDomainAllowed("friend@notcompetitor.example", policy)).toBe(true);
    expect(isEmailDomainAllowed("friend@competitor.example.org", policy)).toBe(true);
    expect(isEmailDomainAllowed("someone@mailinator.com", policy)).toBe(false); // the built-in list still applies
  });

  it("between the two lists the more specific entry wins, the denylist on a tie", () => {
    const policy = emailDomainPolicy({ EMAIL_DOMAIN_ALLOWLIST: "team.example.com,both.example", EMAIL_DOMAIN_DENYLIST: "example.com,both.example,qa.mailinator.com" });
    expect(isEmailDomainAllowed("a@example.com", policy)).toBe(false);
    expect(isEmailDomainAllowed("a@team.example.com", policy)).toBe(true);
    expect(isEmailDomainAllowed("a@dev.team.example.com", policy)).toBe(true);
    expect(isEmailDomainAllowed("a@both.example", policy)).toBe(false);

    const narrowDeny = emailDomainPolicy({ EMAIL_DOMAIN_ALLOWLIST: "mailinator.com", EMAIL_DOMAIN_DENYLIST: "qa.mailinator.com" });
    expect(isEmailDomainAllowed("a@mailinator.com", narrowDeny)).toBe(true);
    expect(isEmailDomainAllowed("a@qa.mailinator.com", narrowDeny)).toBe(false);
  });

  it("assertEmailDomainAllowed throws EMAIL_DOMAIN_NOT_ALLOWED", () => {
    expect(() => assertEmailDomainAllowed("a@mailinator.com", none)).toThrow(expect.objectContaining({ code: "EMAIL_DOMAIN_NOT_ALLOWED" }));
    expect(() => assertEmailDomainAllowed("a@example.com", none)).not.toThrow();
  });
});
