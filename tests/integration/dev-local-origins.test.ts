/**
 * Development works from any local address (issue 12, item 7): with NODE_ENV=development a browser on
 * http://127.0.0.1:<port> or http://[::1]:<port> signs up (tRPC me.signUp, as the form does) and signs in
 * (Better Auth, as the form does) although APP_URL says localhost; another port or host is still refused.
 * Production and tests trust APP_URL's origin alone (tests/unit/trusted-origins.test.ts, api-cross-site).
 */
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  // Before src/env.ts is read. APP_URL stays http://localhost:3000 (tests/setup/per-file-db.ts); the dev
  // launcher passes the port next dev listens on as PORT.
  (process.env as Record<string, string>).NODE_ENV = "development";
  process.env.PORT = "3000";
});

const { POST: authPOST } = await import("@/app/api/auth/[...all]/route");
const { POST: trpcPOST } = await import("@/app/api/trpc/[trpc]/route");
const { prisma } = await import("@/server/db/client");
const { getAuth } = await import("@/server/auth");
const { TEST_PASSWORD, uniqueEmail } = await import("../helpers/auth");

/** A browser's same-origin POST to the dev server opened as `origin`. */
function post(origin: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const req = new Request(`${origin}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin, "sec-fetch-site": "same-origin", ...headers },
    body: JSON.stringify(body),
  });
  return path.startsWith("/api/auth/") ? authPOST(req) : trpcPOST(req);
}

const signUpInput = (email: string) => ({
  json: { name: "Local Dev", email, password: TEST_PASSWORD, consents: { terms: true, marketingEmails: false }, locale: "en" },
});

async function verified(email: string) {
  await prisma.user.update({ where: { email }, data: { emailVerified: true } });
}

describe("the dev server opened as 127.0.0.1 or [::1] (NODE_ENV=development)", () => {
  for (const origin of ["http://127.0.0.1:3000", "http://[::1]:3000", "http://localhost:3000"]) {
    it(`signs up and signs in from ${origin}`, async () => {
      const email = uniqueEmail("loopback");
      const signUp = await post(origin, "/api/trpc/me.signUp", signUpInput(email));
      expect(signUp.status, await signUp.clone().text()).toBe(200);
      await verified(email);

      const signIn = await post(origin, "/api/auth/sign-in/email", { email, password: TEST_PASSWORD });
      expect(signIn.status, await signIn.clone().text()).toBe(200);
      const cookie = signIn.headers.getSetCookie().find((c) => c.includes("session_token"));
      expect(cookie).toBeDefined();

      // Signed in, a mutation from the same page passes the cross-site check too.
      const create = await post(origin, "/api/trpc/projects.create", { json: { name: "From a loopback address" } }, { cookie: cookie!.split(";")[0]! });
      expect(create.status, await create.clone().text()).toBe(200);
    });
  }

  it("are origins Better Auth trusts itself, not only the API routes' cross-site check", async () => {
    const { trustedOrigins } = await getAuth().$context;
    expect(trustedOrigins).toEqual(expect.arrayContaining(["http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000"]));
    expect(trustedOrigins).not.toContain("http://127.0.0.1:4000");
  });

  it("refuses the same requests from another port or a LAN address", async () => {
    const email = uniqueEmail("elsewhere");
    for (const origin of ["http://127.0.0.1:4000", "http://[::1]:3001", "http://192.168.1.20:3000"]) {
      expect((await post(origin, "/api/trpc/me.signUp", signUpInput(email))).status, origin).toBe(403);
      expect((await post(origin, "/api/auth/sign-in/email", { email, password: TEST_PASSWORD })).status, origin).toBe(403);
    }
    expect(await prisma.user.count({ where: { email } })).toBe(0);
  });
});
