/** src/lib/security-headers.ts (the policies) and src/proxy.ts (a fresh nonce per page, handed to Next.js's render). */
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import {
  API_CONTENT_SECURITY_POLICY,
  commonSecurityHeaders,
  configSecurityHeaders,
  createPagePolicy,
  NONCE_HEADER,
  pageContentSecurityPolicy,
} from "@/lib/security-headers";
import proxy from "@/proxy";

/** "script-src 'self' 'nonce-x'" -> { "script-src": ["'self'", "'nonce-x'"] } */
function directives(csp: string): Record<string, string[]> {
  return Object.fromEntries(
    csp.split(";").map((part) => {
      const [name, ...sources] = part.trim().split(/\s+/);
      return [name!, sources];
    }),
  );
}

describe("the pages' Content-Security-Policy", () => {
  it("in production, runs only scripts carrying the nonce: no unsafe-inline, no unsafe-eval", () => {
    const csp = directives(pageContentSecurityPolicy({ nonce: "abc123", dev: false }));
    expect(csp["script-src"]).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'"]);
    expect(csp["connect-src"]).toEqual(["'self'"]);
    expect(csp).toMatchObject({
      "default-src": ["'self'"],
      "style-src": ["'self'", "'unsafe-inline'"],
      "img-src": ["'self'", "data:", "blob:"],
      "font-src": ["'self'"],
      "object-src": ["'none'"],
      "base-uri": ["'self'"],
      "form-action": ["'self'"],
      "frame-ancestors": ["'none'"],
    });
  });

  it("in development, adds eval (React's dev tooling) and websockets (HMR), still no unsafe-inline scripts", () => {
    const csp = directives(pageContentSecurityPolicy({ nonce: "abc123", dev: true }));
    expect(csp["script-src"]).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'", "'unsafe-eval'"]);
    expect(csp["connect-src"]).toEqual(["'self'", "ws:", "wss:"]);
  });

  it("gets a new, unguessable nonce for every request", () => {
    const nonces = Array.from({ length: 200 }, () => createPagePolicy({ dev: false }));
    expect(new Set(nonces.map((p) => p.nonce)).size).toBe(200);
    for (const { nonce, contentSecurityPolicy } of nonces) {
      expect(Buffer.from(nonce, "base64")).toHaveLength(16);
      expect(directives(contentSecurityPolicy)["script-src"]).toContain(`'nonce-${nonce}'`);
    }
  });
});

describe("the headers on every response", () => {
  it("send HSTS from production builds only", () => {
    const production = commonSecurityHeaders({ dev: false });
    expect(production).toEqual({
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "Permissions-Policy": expect.stringMatching(/(^|, )camera=\(\)/),
      "Cross-Origin-Opener-Policy": "same-origin",
      "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    });
    expect(commonSecurityHeaders({ dev: true })).not.toHaveProperty("Strict-Transport-Security");
  });

  it("switch off the powerful browser features", () => {
    const policy = commonSecurityHeaders({ dev: false })["Permissions-Policy"]!.split(", ");
    for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"]) expect(policy).toContain(`${feature}=()`);
  });

  it("give the API a CSP that loads nothing and cannot be framed, pages none from next.config (the proxy sends theirs)", () => {
    const rules = configSecurityHeaders({ dev: false });
    expect(rules.find((r) => r.source === "/:path*")?.headers.map((h) => h.key)).not.toContain("Content-Security-Policy");
    expect(rules.find((r) => r.source === "/api/:path*")?.headers).toEqual([{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }]);
    expect(API_CONTENT_SECURITY_POLICY).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});

describe("the proxy", () => {
  // NextResponse.next({ request: { headers } }) hands the page these request headers as x-middleware-request-*.
  const forwarded = (response: Response, name: string) => response.headers.get(`x-middleware-request-${name.toLowerCase()}`);

  it("sends the page's CSP and hands the same nonce to the render, next to next-intl's locale", () => {
    const response = proxy(new NextRequest("http://localhost:3000/pricing"));
    const csp = response.headers.get("Content-Security-Policy")!;
    const nonce = forwarded(response, NONCE_HEADER)!;
    expect(directives(csp)["script-src"]).toContain(`'nonce-${nonce}'`);
    expect(forwarded(response, "Content-Security-Policy")).toBe(csp);
    expect(forwarded(response, "x-next-intl-locale")).toBe("en");
  });

  it("uses a new nonce for each request and ignores one the client sent", () => {
    const spoofed = { "x-nonce": "attacker", "content-security-policy": "script-src 'nonce-attacker'" };
    const first = proxy(new NextRequest("http://localhost:3000/", { headers: spoofed }));
    const second = proxy(new NextRequest("http://localhost:3000/", { headers: spoofed }));
    expect(forwarded(first, NONCE_HEADER)).not.toBe("attacker");
    expect(forwarded(first, NONCE_HEADER)).not.toBe(forwarded(second, NONCE_HEADER));
    expect(first.headers.get("Content-Security-Policy")).not.toContain("attacker");
  });

  it("keeps next-intl's redirects, with the CSP on them too", () => {
    const response = proxy(new NextRequest("http://localhost:3000/en/pricing"));
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("http://localhost:3000/pricing");
    expect(response.headers.get("Content-Security-Policy")).toContain("'strict-dynamic'");
  });
});
