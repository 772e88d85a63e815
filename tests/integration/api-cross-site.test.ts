/**
 * A page on another site cannot make a signed-in browser change anything (security issue, finding 6):
 * state-changing requests to the API routes with a foreign or "null" Origin, Sec-Fetch-Site
 * cross-site / same-site, or (tRPC) a non-JSON body are refused, while the app's own requests and
 * callers without browser headers (scripts, the internal router's bearer-token callers) work.
 */
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";
import { beforeAll, describe, expect, it } from "vitest";
import { env } from "@/env";
import { POST as trpcPOST, GET as trpcGET } from "@/app/api/trpc/[trpc]/route";
import type { AppRouter } from "@/server/api/root";
import { prisma } from "@/server/db/client";
import { isTrustedOrigin } from "@/server/http/cross-site";
import { TRPC_MAX_BATCH_SIZE } from "@/trpc/batch";
import { APP_ORIGIN, authRequest, sameOrigin, trpcInput, trpcRequest } from "../helpers/api-requests";
import { signUpAndSignIn, type SignedInUser } from "../helpers/auth";

let victim: SignedInUser;
beforeAll(async () => {
  victim = await signUpAndSignIn({ name: "Victim" });
});

const cookieOf = (user: SignedInUser) => user.headers.get("cookie") ?? "";

const CROSS_SITE: Record<string, Record<string, string>> = {
  "a foreign Origin": { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
  "a foreign Origin alone": { origin: "https://evil.example" },
  "Origin: null": { origin: "null" },
  "Sec-Fetch-Site: cross-site": { "sec-fetch-site": "cross-site" },
  "Sec-Fetch-Site: same-site (a sibling subdomain)": { origin: "https://app.localhost:3000", "sec-fetch-site": "same-site" },
  "the app's host on another port": { origin: "http://localhost:4000" },
  "the app's host over another scheme": { origin: "https://localhost:3000" },
};

const projectCount = () => prisma.project.count({ where: { tenantId: victim.tenantId } });

describe("tRPC mutations", () => {
  it("refuses a JSON mutation with the victim's cookie from another site (403, nothing done)", async () => {
    const before = await projectCount();
    for (const [label, headers] of Object.entries(CROSS_SITE)) {
      const res = await trpcRequest("/api/trpc/projects.create", { headers: { cookie: cookieOf(victim), ...headers }, body: trpcInput({ name: label }) });
      expect.soft(res.status, label).toBe(403);
      expect.soft(await res.json(), label).toMatchObject({ error: { code: "CROSS_SITE_REQUEST" } });
    }
    expect(await projectCount()).toBe(before);
  });

  it("refuses billing.portal as a plain form post (no preflight) with or without an Origin", async () => {
    const form = () => {
      const fd = new FormData();
      fd.set("0", "{}");
      return fd;
    };
    const crossSite = await trpcRequest("/api/trpc/billing.portal", { headers: { cookie: cookieOf(victim), origin: "https://evil.example" }, body: form() });
    expect(crossSite.status).toBe(403);
    const noOrigin = await trpcRequest("/api/trpc/billing.portal", { headers: { cookie: cookieOf(victim) }, body: form() });
    expect(noOrigin.status).toBe(415);
    const urlEncoded = await trpcRequest("/api/trpc/billing.portal", {
      headers: { cookie: cookieOf(victim), "content-type": "application/x-www-form-urlencoded" },
      body: "a=b",
    });
    expect(urlEncoded.status).toBe(415);
    const textPlain = await trpcRequest("/api/trpc/billing.portal", { headers: { cookie: cookieOf(victim), "content-type": "text/plain" }, body: "{}" });
    expect(textPlain.status).toBe(415);
  });

  it("runs the same JSON mutation from the app's own origin, and without browser headers (scripts)", async () => {
    const fromApp = await trpcRequest("/api/trpc/billing.portal", { headers: sameOrigin(victim.headers), body: trpcInput(undefined) });
    expect(fromApp.status).toBe(200);
    const fromScript = await trpcRequest("/api/trpc/projects.create", { headers: { cookie: cookieOf(victim) }, body: trpcInput({ name: "From a script" }) });
    expect(fromScript.status).toBe(200);
  });

  it("still serves queries to a cross-site GET (reads change nothing; the browser keeps the answer from the other site)", async () => {
    const res = await trpcRequest("/api/trpc/tenants.current", { headers: { cookie: cookieOf(victim), "sec-fetch-site": "cross-site" } });
    expect(res.status).toBe(200);
  });

  it("works through the app's real client (httpBatchLink, same origin, batches split at the cap)", async () => {
    const requests: Request[] = [];
    const client = createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `${APP_ORIGIN}/api/trpc`,
          transformer: superjson,
          maxItems: TRPC_MAX_BATCH_SIZE,
          headers: () => sameOrigin(victim.headers),
          fetch: async (input, init) => {
            const req = new Request(input as string, init as RequestInit);
            requests.push(req.clone());
            return req.method === "GET" ? trpcGET(req) : trpcPOST(req);
          },
        }),
      ],
    });
    const results = await Promise.all(Array.from({ length: TRPC_MAX_BATCH_SIZE + 2 }, () => client.tenants.current.query()));
    expect(results.every((t) => t.id === victim.tenantId)).toBe(true);
    expect(requests).toHaveLength(2);
    const portal = await client.billing.portal.mutate();
    expect(portal.url).toContain("/portal/");
    expect(requests.at(-1)!.headers.get("content-type")).toBe("application/json");
  });
});

describe("the trusted origin", () => {
  it("is APP_URL's origin, the one Better Auth trusts", () => {
    expect(isTrustedOrigin(new URL(env.APP_URL).origin)).toBe(true);
    expect(isTrustedOrigin(`${new URL(env.APP_URL).origin}/`)).toBe(true);
    for (const o of ["null", "", "https://evil.example", "http://localhost:3000.evil.example", "not a url"]) expect(isTrustedOrigin(o), o).toBe(false);
    // The other loopback names of the server are trusted in development only (dev-local-origins.test.ts).
    for (const o of ["http://127.0.0.1:3000", "http://[::1]:3000"]) expect(isTrustedOrigin(o), o).toBe(false);
  });
});

describe("Better Auth endpoints", () => {
  it("refuses a signed-in cross-site POST (sign-out, two-factor enable) and keeps the session", async () => {
    for (const [label, headers] of Object.entries(CROSS_SITE)) {
      for (const path of ["/api/auth/sign-out", "/api/auth/two-factor/enable"]) {
        const res = await authRequest(path, { headers: { cookie: cookieOf(victim), ...headers }, body: { password: victim.password } });
        expect.soft(res.status, `${label} ${path}`).toBe(403);
      }
    }
    const session = await authRequest("/api/auth/get-session", { headers: { cookie: cookieOf(victim) } });
    expect((await session.json())?.user?.email).toBe(victim.email);
    expect(await prisma.user.findUniqueOrThrow({ where: { id: victim.userId }, select: { twoFactorEnabled: true } })).toEqual({ twoFactorEnabled: false });
  });

  it("refuses a login-CSRF sign-in posted from another site", async () => {
    const res = await authRequest("/api/auth/sign-in/email", {
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      body: { email: victim.email, password: victim.password },
    });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});
