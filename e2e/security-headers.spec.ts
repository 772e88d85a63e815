import type { APIRequestContext, APIResponse } from "@playwright/test";
import { CspViolations } from "./support/csp-violations";
import { test as base, expect } from "./fixtures";

// Security finding 5: every page and every API answer carries the security headers, pages a CSP whose
// script nonce is new per request and on every script Next.js renders, and no page trips the CSP
// (src/lib/security-headers.ts, src/proxy.ts, next.config.ts). The e2e server is a production build.

const test = base.extend<{ cspViolations: CspViolations }>({
  cspViolations: async ({ context, page }, use) => {
    const violations = await CspViolations.watch(context);
    violations.listen(page);
    await use(violations);
  },
});

/** On every response, pages and API alike (HSTS because this is a production build). */
const COMMON = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "cross-origin-opener-policy": "same-origin",
  "strict-transport-security": "max-age=63072000; includeSubDomains",
};

function expectCommonHeaders(response: APIResponse | { headers(): Record<string, string> }) {
  const headers = response.headers();
  expect(headers).toMatchObject(COMMON);
  for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"]) expect(headers["permissions-policy"]).toContain(`${feature}=()`);
}

/** The page's CSP (checked directive by directive) -> its script nonce. */
function expectPageCsp(headers: Record<string, string>): string {
  const csp = Object.fromEntries(
    (headers["content-security-policy"] ?? "").split(";").map((part) => {
      const [name, ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
  const nonce = /^'nonce-([A-Za-z0-9+/=]{22,})'$/.exec(csp["script-src"]?.[1] ?? "")?.[1];
  expect(nonce, "script-src names a nonce").toBeTruthy();
  expect(csp).toMatchObject({
    "default-src": ["'self'"],
    "script-src": ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  });
  return nonce!;
}

function expectApiHeaders(response: APIResponse) {
  expectCommonHeaders(response);
  expect(response.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
}

/** A Better Auth session in this request context (and in the page's, for page.request). */
async function signIn(request: APIRequestContext, baseURL: string, email: string, password: string) {
  const response = await request.post("/api/auth/sign-in/email", { data: { email, password }, headers: { origin: baseURL } });
  expect(response.status()).toBe(200);
  return response;
}

test.describe("Security headers", () => {
  test("a page: the headers, and a CSP nonce that is new on every request and on every script of the page", async ({ request }) => {
    const first = await request.get("/pricing");
    expect(first.status()).toBe(200);
    expectCommonHeaders(first);
    const nonce = expectPageCsp(first.headers());
    const html = await first.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

    const second = await request.get("/pricing");
    expect(expectPageCsp(second.headers())).not.toBe(nonce);
  });

  test("the landing page loads with its scripts carrying the header's nonce and no CSP violation", async ({ page, cspViolations }) => {
    const response = await page.goto("/");
    const nonce = expectPageCsp(response!.headers());
    // `nonce` is hidden from getAttribute once the browser has checked it; the property keeps it.
    const nonces = await page.locator("script").evaluateAll((scripts) => scripts.map((s) => (s as HTMLScriptElement).nonce));
    expect(nonces.length).toBeGreaterThan(0);
    expect(new Set(nonces)).toEqual(new Set([nonce]));
    // Hydrated: a client-side navigation works.
    await page.getByRole("link", { name: "Pricing" }).first().click();
    await expect(page).toHaveURL(/\/pricing$/);
    await cspViolations.expectNone();
  });

  test("signed-in pages, the email preview's sandboxed iframe and the not-found page load with no CSP violation", async ({ page, baseURL, persona, cspViolations }) => {
    const paid = persona("paid");
    await signIn(page.request, baseURL!, paid.email, paid.password);

    const projects = await page.goto("/projects");
    expect(projects!.status()).toBe(200);
    expectCommonHeaders(projects!);
    expectPageCsp(projects!.headers());
    await expect(page.getByRole("heading", { name: "Projects", level: 1 })).toBeVisible();

    await page.goto("/settings/billing");
    await expect(page.getByRole("heading", { name: "Billing", level: 1 })).toBeVisible();

    // The email renders in a srcDoc iframe, which inherits the page's CSP: its inline styles still apply.
    await page.goto("/dev/emails/verifyEmail/en");
    const email = page.frameLocator("iframe").first();
    await expect(email.getByText("Verify your email address").first()).toBeVisible();
    expect(await email.locator("[style]").count()).toBeGreaterThan(0);

    const missing = await page.goto("/no-such-page");
    expect(missing!.status()).toBe(404);
    expectPageCsp(missing!.headers());
    await expect(page.getByRole("link", { name: "Go to the home page" })).toBeVisible();

    await cspViolations.expectNone();
  });

  test("API answers: /api/health, a tRPC answer and an auth answer carry the headers and a CSP that allows nothing", async ({ request, baseURL, persona }) => {
    const health = await request.get("/api/health");
    expect(health.status()).toBe(200);
    expectApiHeaders(health);

    const paid = persona("paid");
    expectApiHeaders(await signIn(request, baseURL!, paid.email, paid.password));

    const session = await request.get("/api/auth/get-session");
    expect(session.status()).toBe(200);
    expect((await session.json())?.user?.email).toBe(paid.email);
    expectApiHeaders(session);

    const me = await request.get("/api/trpc/me.get");
    expect(me.status()).toBe(200);
    expectApiHeaders(me);
  });
});
