import { test as base } from "@playwright/test";
import { DEMO_PASSWORD, personas } from "../src/server/seed/personas";
import { DevMailboxPage } from "./pages/dev-mailbox.page";
import { PlatformPage } from "./pages/platform.page";
import { ProjectsPage } from "./pages/projects.page";
import { SignInPage } from "./pages/sign-in.page";
import { SignUpPage } from "./pages/sign-up.page";
import { TwoFactorPage } from "./pages/two-factor.page";

type PersonaKey = (typeof personas)[number]["key"];

export const test = base.extend<{
  /**
   * Auth rate limits count per client address: each test is its own client (TEST-NET addresses, never
   * contacted). The e2e server trusts one proxy (TRUSTED_PROXIES=1, scripts/e2e-server.ts), played here.
   */
  extraHTTPHeaders: Record<string, string>;
  signUpPage: SignUpPage;
  signInPage: SignInPage;
  mailbox: DevMailboxPage;
  projectsPage: ProjectsPage;
  twoFactorPage: TwoFactorPage;
  platformPage: PlatformPage;
  persona: (key: PersonaKey) => (typeof personas)[number] & { password: string };
}>({
  extraHTTPHeaders: async ({}, use, testInfo) =>
    use({ "x-forwarded-for": `192.0.2.${(hash(`${testInfo.testId}:${testInfo.repeatEachIndex}:${testInfo.retry}`) % 250) + 1}` }),
  signUpPage: async ({ page }, use) => use(new SignUpPage(page)),
  signInPage: async ({ page }, use) => use(new SignInPage(page)),
  mailbox: async ({ page }, use) => use(new DevMailboxPage(page)),
  projectsPage: async ({ page }, use) => use(new ProjectsPage(page)),
  twoFactorPage: async ({ page }, use) => use(new TwoFactorPage(page)),
  platformPage: async ({ page }, use) => use(new PlatformPage(page)),
  persona: async ({}, use) =>
    use((key) => {
      const found = personas.find((p) => p.key === key);
      if (!found) throw new Error(`No seeded persona ${key}`);
      return { ...found, password: DEMO_PASSWORD };
    }),
});

export { expect } from "@playwright/test";

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

/** A fresh address per test run, so e2e never depends on what an earlier run left behind. */
export const uniqueEmail = (label: string) => `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@e2e.example.com`;
