/**
 * What the API routes answer a signed-in browser: the session token only in the HttpOnly cookie, never
 * in a JSON body page scripts can read (security issue, finding 7), and `Cache-Control: no-store` on
 * every tRPC and auth answer.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { symmetricDecrypt } from "better-auth/crypto";
import { getAuth } from "@/server/auth";
import { prisma } from "@/server/db/client";
import { APP_ORIGIN, authRequest, sameOrigin, trpcInput, trpcRequest } from "../helpers/api-requests";
import { cookieHeaderFrom, signUpAndSignIn, type SignedInUser } from "../helpers/auth";

let user: SignedInUser;
beforeAll(async () => {
  user = await signUpAndSignIn({ name: "Token" });
});

const sessionTokensOf = async (userId: string) => (await prisma.session.findMany({ where: { userId }, select: { token: true } })).map((s) => s.token);

describe("session token", () => {
  it("is not in the sign-in answer, while its cookie signs in", async () => {
    const res = await authRequest("/api/auth/sign-in/email", { headers: { origin: APP_ORIGIN }, body: { email: user.email, password: user.password } });
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const token of await sessionTokensOf(user.userId)) expect(text).not.toContain(token);
    expect(JSON.parse(text)).not.toHaveProperty("token");
    expect(JSON.parse(text).user.email).toBe(user.email);

    const cookie = cookieHeaderFrom(res.headers);
    expect(res.headers.getSetCookie().find((c) => c.includes("session_token="))).toMatch(/HttpOnly/i);
    const session = await authRequest("/api/auth/get-session", { headers: { cookie } });
    const body = await session.json();
    expect(body.user.email).toBe(user.email);
    expect(body.session).not.toHaveProperty("token");
    expect(body.session.userId).toBe(user.userId);
    const current = await trpcRequest("/api/trpc/tenants.current", { headers: { cookie } });
    expect(current.status).toBe(200);
  });

  it("is not in the two-factor verification answer", async () => {
    // Two-factor on with a known secret, then password + code through the route as the sign-in form does.
    const enable = await authRequest("/api/auth/two-factor/enable", { headers: sameOrigin(user.headers), body: { password: user.password } });
    expect(enable.status).toBe(200);
    const row = await prisma.twoFactor.findFirstOrThrow({ where: { userId: user.userId } });
    const secret = await symmetricDecrypt({ key: process.env.BETTER_AUTH_SECRET!, data: row.secret });
    const totp = async () => (await getAuth().api.generateTOTP({ body: { secret } })).code;
    const verifySetup = await authRequest("/api/auth/two-factor/verify-totp", {
      headers: sameOrigin(user.headers),
      body: { code: await totp() },
    });
    expect(verifySetup.status).toBe(200);
    expect(await verifySetup.json()).not.toHaveProperty("token");

    const signIn = await authRequest("/api/auth/sign-in/email", { headers: { origin: APP_ORIGIN }, body: { email: user.email, password: user.password } });
    expect(await signIn.json()).toMatchObject({ twoFactorRedirect: true });
    const pending = cookieHeaderFrom(signIn.headers);
    const verify = await authRequest("/api/auth/two-factor/verify-totp", {
      headers: { cookie: pending, origin: APP_ORIGIN },
      body: { code: await totp() },
    });
    expect(verify.status).toBe(200);
    const text = await verify.text();
    expect(JSON.parse(text)).not.toHaveProperty("token");
    for (const token of await sessionTokensOf(user.userId)) expect(text).not.toContain(token);
    const session = await authRequest("/api/auth/get-session", { headers: { cookie: cookieHeaderFrom(verify.headers) } });
    expect((await session.json()).user.email).toBe(user.email);
  });

  it("is not in the sign-up answer", async () => {
    const res = await authRequest("/api/auth/sign-up/email", {
      headers: { origin: APP_ORIGIN },
      body: { email: `token-${Date.now()}@example.com`, password: "correct-horse-battery", name: "Sign Up" },
    });
    if (res.status === 200) expect(await res.json()).not.toHaveProperty("token");
    else expect(res.status).toBeLessThan(500);
  });
});

describe("Cache-Control: no-store", () => {
  it("is on every auth answer: session, sign-in, errors, refusals", async () => {
    const answers = [
      await authRequest("/api/auth/get-session", { headers: { cookie: user.headers.get("cookie") ?? "" } }),
      await authRequest("/api/auth/get-session"),
      await authRequest("/api/auth/sign-in/email", { headers: { origin: APP_ORIGIN }, body: { email: user.email, password: "wrong-password-1" } }),
      await authRequest("/api/auth/does-not-exist"),
      await authRequest("/api/auth/%"),
      await authRequest("/api/auth/sign-out", { headers: { origin: "https://evil.example" }, body: {} }),
    ];
    for (const res of answers) expect.soft(res.headers.get("cache-control"), `${res.status}`).toBe("no-store");
  });

  it("is on every tRPC answer: results, errors, batches, refusals", async () => {
    const cookie = user.headers.get("cookie") ?? "";
    const answers = [
      await trpcRequest("/api/trpc/tenants.current", { headers: { cookie } }),
      await trpcRequest("/api/trpc/tenants.current"),
      await trpcRequest("/api/trpc/tenants.current,projects.list?batch=1", { headers: { cookie } }),
      await trpcRequest("/api/trpc/projects.create", { headers: sameOrigin(user.headers), body: trpcInput({ name: "" }) }),
      await trpcRequest("/api/trpc/no.such.procedure", { headers: { cookie } }),
      await trpcRequest("/api/trpc/%"),
      await trpcRequest("/api/trpc/projects.create", { headers: { cookie, origin: "null" }, body: trpcInput({ name: "x" }) }),
    ];
    for (const res of answers) expect.soft(res.headers.get("cache-control"), `${res.status}`).toBe("no-store");
  });
});
