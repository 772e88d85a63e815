import { expect, type BrowserContext, type Page } from "@playwright/test";

type Violation = { url: string; directive: string; blocked: string };

/**
 * Every Content-Security-Policy violation in a browser context, in any frame (the dev mailbox's email
 * iframe inherits the page's policy): the browser only reports them to the page, so a listener is
 * installed before any page script runs. Console messages about the CSP are counted too.
 */
export class CspViolations {
  private readonly seen: Violation[] = [];

  private constructor() {}

  static async watch(context: BrowserContext): Promise<CspViolations> {
    const violations = new CspViolations();
    await context.exposeBinding("__e2eCspViolation", ({ frame }, v: Omit<Violation, "url">) => violations.seen.push({ url: frame.url(), ...v }));
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        const report = (window as unknown as { __e2eCspViolation: (v: object) => void }).__e2eCspViolation;
        report({ directive: e.violatedDirective, blocked: e.blockedURI });
      });
    });
    return violations;
  }

  /** Console errors and warnings that name the CSP or Permissions-Policy (an unknown feature is logged on every page). */
  listen(page: Page): void {
    page.on("console", (message) => {
      if (!["error", "warning"].includes(message.type())) return;
      if (/Content Security Policy|Permissions-Policy/i.test(message.text())) {
        this.seen.push({ url: page.url(), directive: "console", blocked: message.text() });
      }
    });
  }

  async expectNone(): Promise<void> {
    // Reports are delivered asynchronously after the offending load: give them a moment to arrive.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(this.seen).toEqual([]);
  }
}
