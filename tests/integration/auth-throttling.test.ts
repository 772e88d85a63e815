/**
 * Throttling of the authentication endpoints over real HTTP: a server on 127.0.0.1 with the request
 * wrapper `npm start` uses (src/server/http/trusted-request.ts) in front of Better Auth's handler and
 * tRPC's, driven with fetch. Limits count per trusted client address and per account/user in
 * PostgreSQL (src/server/domain/rate-limit/auth-limits.ts), so a client rotating X-Forwarded-For gets
 * nowhere, and a client behind rotating addresses still cannot guess one account's password or code.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { symmetricEncrypt } from "better-auth/crypto";
import { toNodeHandler } from "better-auth/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { appRouter } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { getAuth } from "@/server/auth";
import { prisma } from "@/server/db/client";
import { RATE_LIMIT_RULES } from "@/server/domain/rate-limit/rate-limit";
import { withTrustedClientAddress } from "@/server/http/trusted-request";
import { cookieHeaderFrom, markEmailVerified, signUp, TEST_PASSWORD, uniqueEmail } from "../helpers/auth";

const APP_ORIGIN = "http://localhost:3000";
// Each password check costs ~0.5 s (scrypt) and some tests make 40 of them: longer than the default timeout.

function app(req: Request): Promise<Response> {
  if (new URL(req.url).pathname.startsWith("/api/trpc")) {
    return fetchRequestHandler({ endpoint: "/api/trpc", req, router: appRouter, createContext: () => createTRPCContext({ headers: req.headers }) });
  }
  return getAuth().handler(req);
}

interface TestServer {
  url: string;
  close(): Promise<void>;
}

async function listen(trustedProxies: number): Promise<TestServer> {
  const server = http.createServer(withTrustedClientAddress(toNodeHandler(app), { trustedProxies }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Clients connect directly (TRUSTED_PROXIES=0): the socket is the client, X-Forwarded-For is the client's say-so. */
let direct: TestServer;
/** One load balancer in front (TRUSTED_PROXIES=1): the test plays it and appends the client address. */
let behindProxy: TestServer;

beforeAll(async () => {
  [direct, behindProxy] = await Promise.all([listen(0), listen(1)]);
});
afterAll(async () => {
  await Promise.all([direct?.close(), behindProxy?.close()]);
});
beforeEach(async () => {
  await prisma.rateLimitBucket.deleteMany();
});

async function post(server: TestServer, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: APP_ORIGIN, ...headers },
    body: JSON.stringify(body),
  });
}

const signInEmail = (server: TestServer, email: string, password: string, headers?: Record<string, string>) =>
  post(server, "/api/auth/sign-in/email", { email, password }, headers);

/** The 0-based attempt that was first refused with 429, or -1. */
const firstRefused = (statuses: number[]) => statuses.indexOf(429);

async function verifiedUser(): Promise<{ userId: string; email: string }> {
  const { userId, email } = await signUp({ email: uniqueEmail("throttle") });
  await markEmailVerified(userId);
  return { userId, email };
}

describe("password sign-in per client address", { timeout: 60_000 }, () => {
  const { max } = RATE_LIMIT_RULES.signInPerAddress;

  it("20 wrong passwords with 20 different X-Forwarded-For values are refused at the same attempt as 20 without", async () => {
    const emails = Array.from({ length: 20 }, () => uniqueEmail("nobody"));
    const plain: number[] = [];
    for (const email of emails) plain.push((await signInEmail(direct, email, "wrong-password-1")).status);

    await prisma.rateLimitBucket.deleteMany();
    const spoofed: number[] = [];
    for (const [i, email] of emails.entries()) {
      spoofed.push((await signInEmail(direct, email, "wrong-password-1", { "x-forwarded-for": `198.51.100.${i + 1}` })).status);
    }

    expect(firstRefused(plain)).toBe(max);
    expect(firstRefused(spoofed)).toBe(max);
    expect(spoofed.slice(0, max).every((s) => s === 401)).toBe(true);
    expect(spoofed.slice(max).every((s) => s === 429)).toBe(true);
  });

  it("a refusal is Better Auth's 429 shape with Retry-After", async () => {
    let res: Response | undefined;
    for (let i = 0; i <= max; i++) res = await signInEmail(direct, uniqueEmail("nobody"), "wrong-password-1");
    expect(res!.status).toBe(429);
    expect(Number(res!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(res!.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(res!.headers.get("x-retry-after")).toBe(res!.headers.get("retry-after"));
    expect(await res!.json()).toEqual({ message: "Too many requests. Please try again later." });
  });

  it("behind a trusted proxy, each client address has its own allowance", async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= max; i++) {
      statuses.push((await signInEmail(behindProxy, uniqueEmail("nobody"), "wrong-password-1", { "x-forwarded-for": "203.0.113.1" })).status);
    }
    expect(firstRefused(statuses)).toBe(max);
    const other = await signInEmail(behindProxy, uniqueEmail("nobody"), "wrong-password-1", { "x-forwarded-for": "203.0.113.2" });
    expect(other.status).toBe(401);
    // What a client writes before the proxy's entry does not change who it is.
    const spoofed = await signInEmail(behindProxy, uniqueEmail("nobody"), "wrong-password-1", { "x-forwarded-for": "10.9.9.9, 203.0.113.1" });
    expect(spoofed.status).toBe(429);
  });
});

describe("password sign-in per account", { timeout: 60_000 }, () => {
  const { max } = RATE_LIMIT_RULES.signInPerAccount;

  it("rotating client addresses against one account are refused once the account has had too many attempts", async () => {
    const { email } = await verifiedUser();
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      statuses.push((await signInEmail(behindProxy, email, "wrong-password-1", { "x-forwarded-for": `198.51.100.${i + 1}` })).status);
    }
    expect(firstRefused(statuses)).toBe(max);
    expect(statuses.slice(max).every((s) => s === 429)).toBe(true);
    // Also with the right password, from yet another address: the account waits out the window.
    expect((await signInEmail(behindProxy, email, TEST_PASSWORD, { "x-forwarded-for": "203.0.113.99" })).status).toBe(429);
    // The emails differ only in case: the same account.
    expect((await signInEmail(behindProxy, email.toUpperCase(), "wrong-password-1", { "x-forwarded-for": "203.0.113.98" })).status).toBe(429);
  });

  it("a correct password below the limit signs in and starts the account's count again", async () => {
    const { email } = await verifiedUser();
    const address = (i: number) => ({ "x-forwarded-for": `192.0.2.${i + 1}` });
    for (let i = 0; i < max - 1; i++) expect((await signInEmail(behindProxy, email, "wrong-password-1", address(i))).status).toBe(401);

    const ok = await signInEmail(behindProxy, email, TEST_PASSWORD, address(100));
    expect(ok.status).toBe(200);
    expect(ok.headers.getSetCookie().some((c) => c.includes("session_token=") && !c.includes("session_token=;"))).toBe(true);

    const after: number[] = [];
    for (let i = 0; i <= max; i++) after.push((await signInEmail(behindProxy, email, "wrong-password-1", address(i + 20))).status);
    expect(firstRefused(after)).toBe(max);
  });

  it("the bucket keys name no email and no address", async () => {
    const { email } = await verifiedUser();
    await signInEmail(behindProxy, email, "wrong-password-1", { "x-forwarded-for": "203.0.113.77" });
    const keys = (await prisma.rateLimitBucket.findMany({ select: { key: true } })).map((b) => b.key);
    expect(keys.some((k) => k.startsWith("signInPerAccount:"))).toBe(true);
    expect(keys.some((k) => k.startsWith("signInPerAddress:"))).toBe(true);
    for (const key of keys) {
      expect(key).not.toContain(email.split("@")[0]);
      expect(key).not.toContain("203.0.113.77");
    }
  });
});

describe("requests that send email", { timeout: 60_000 }, () => {
  it("sign-in links: per address, and per mailbox whatever the address", async () => {
    const { email } = await verifiedUser();
    const link = (headers: Record<string, string>, to = email) => post(behindProxy, "/api/auth/sign-in/magic-link", { email: to, callbackURL: "/projects" }, headers);
    const perEmail: number[] = [];
    for (let i = 0; i < 8; i++) perEmail.push((await link({ "x-forwarded-for": `198.51.100.${i + 1}` })).status);
    expect(firstRefused(perEmail)).toBe(RATE_LIMIT_RULES.magicLinkPerEmail.max);

    const perAddress: number[] = [];
    for (let i = 0; i < 8; i++) perAddress.push((await link({ "x-forwarded-for": "203.0.113.5" }, uniqueEmail("nobody"))).status);
    expect(firstRefused(perAddress)).toBe(RATE_LIMIT_RULES.magicLinkPerAddress.max);
  });

  it("password reset requests: per mailbox whatever the address", async () => {
    const { email } = await verifiedUser();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await post(behindProxy, "/api/auth/request-password-reset", { email, redirectTo: "/reset-password" }, { "x-forwarded-for": `198.51.100.${i + 1}` });
      statuses.push(res.status);
    }
    expect(firstRefused(statuses)).toBe(RATE_LIMIT_RULES.passwordResetPerEmail.max);
  });
});

describe("sign-up: /api/auth/sign-up/email and tRPC me.signUp", { timeout: 60_000 }, () => {
  const { max } = RATE_LIMIT_RULES.signUpPerAddress;
  const form = (email: string) => ({
    name: "Sam Signup",
    email,
    password: TEST_PASSWORD,
    consents: { terms: true, marketingEmails: false },
    locale: "en",
  });
  const viaAuth = (address: string) => post(behindProxy, "/api/auth/sign-up/email", form(uniqueEmail("signup")), { "x-forwarded-for": address });
  const viaTrpc = (address: string) => post(behindProxy, "/api/trpc/me.signUp", { json: form(uniqueEmail("signup")) }, { "x-forwarded-for": address });

  it("me.signUp is refused at the same attempt as /api/auth/sign-up/email", async () => {
    const auth: number[] = [];
    for (let i = 0; i < 8; i++) auth.push((await viaAuth("203.0.113.10")).status);
    const trpc: number[] = [];
    for (let i = 0; i < 8; i++) trpc.push((await viaTrpc("203.0.113.11")).status);
    expect(firstRefused(auth)).toBe(max);
    expect(firstRefused(trpc)).toBe(max);
    expect(trpc.slice(0, max).every((s) => s === 200)).toBe(true);
  });

  it("the two paths share one count", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await viaAuth("203.0.113.12")).status);
    for (let i = 0; i < 3; i++) statuses.push((await viaTrpc("203.0.113.12")).status);
    for (let i = 0; i < 2; i++) statuses.push((await viaAuth("203.0.113.12")).status);
    expect(firstRefused(statuses)).toBe(max);
    expect(statuses.slice(max).every((s) => s === 429)).toBe(true);
  });

  it("a refused me.signUp says RATE_LIMITED, which the UI translates", async () => {
    let res: Response | undefined;
    for (let i = 0; i <= max; i++) res = await viaTrpc("203.0.113.13");
    expect(res!.status).toBe(429);
    const body = (await res!.json()) as { error: { json: { data: { appCode: string } } } };
    expect(body.error.json.data.appCode).toBe("RATE_LIMITED");
  });
});

describe("two-factor verification", { timeout: 60_000 }, () => {
  const TOTP_SECRET = "ThrottleTestTotpSecret0123456789";

  /** RFC 6238 code for a secret as Better Auth keeps it (its UTF-8 bytes are the key). */
  function totpCode(secret: string, at = Date.now()): string {
    const counter = Buffer.alloc(8);
    counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
    const mac = createHmac("sha1", Buffer.from(secret, "utf8")).update(counter).digest();
    const offset = mac[mac.length - 1]! & 0x0f;
    return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
  }
  const wrongCode = () => (totpCode(TOTP_SECRET) === "000000" ? "111111" : "000000");

  async function userWithTwoFactor() {
    const user = await verifiedUser();
    const key = process.env.BETTER_AUTH_SECRET!;
    await prisma.twoFactor.create({
      data: {
        id: `tf-${user.userId}`,
        userId: user.userId,
        secret: await symmetricEncrypt({ key, data: TOTP_SECRET }),
        backupCodes: await symmetricEncrypt({ key, data: JSON.stringify([]) }),
        verified: true,
      },
    });
    await prisma.user.update({ where: { id: user.userId }, data: { twoFactorEnabled: true } });
    return user;
  }

  /** Password sign-in of a two-factor account: no session yet, a two-factor cookie for the second step. */
  async function pendingChallenge(email: string, address: string): Promise<string> {
    const res = await signInEmail(behindProxy, email, TEST_PASSWORD, { "x-forwarded-for": address });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ twoFactorRedirect: true });
    return cookieHeaderFrom(res.headers);
  }

  const verify = (cookie: string, code: string, address: string) =>
    post(behindProxy, "/api/auth/two-factor/verify-totp", { code }, { cookie, "x-forwarded-for": address });

  it("wrong codes for one user are refused once the user had too many, from any address and any new challenge", async () => {
    const { email } = await userWithTwoFactor();
    const { max } = RATE_LIMIT_RULES.twoFactorPerUser;
    const cookie = await pendingChallenge(email, "203.0.113.20");
    const statuses: number[] = [];
    for (let i = 0; i <= max; i++) statuses.push((await verify(cookie, wrongCode(), `198.51.100.${i + 1}`)).status);
    expect(firstRefused(statuses)).toBe(max);
    expect(statuses.slice(0, max).every((s) => s === 401)).toBe(true);

    // A fresh challenge from yet another address: still refused, even with the right code.
    const again = await pendingChallenge(email, "203.0.113.21");
    expect((await verify(again, totpCode(TOTP_SECRET), "203.0.113.22")).status).toBe(429);
  });

  it("a correct code signs in and starts the user's count again", async () => {
    const { email } = await userWithTwoFactor();
    const { max } = RATE_LIMIT_RULES.twoFactorPerUser;
    const first = await pendingChallenge(email, "203.0.113.30");
    for (let i = 0; i < max - 1; i++) expect((await verify(first, wrongCode(), "203.0.113.30")).status).toBe(401);
    const ok = await verify(first, totpCode(TOTP_SECRET), "203.0.113.30");
    expect(ok.status).toBe(200);
    expect(ok.headers.getSetCookie().some((c) => c.includes("session_token=") && !c.includes("session_token=;"))).toBe(true);

    const second = await pendingChallenge(email, "203.0.113.31");
    const statuses: number[] = [];
    for (let i = 0; i <= max; i++) statuses.push((await verify(second, wrongCode(), `198.51.100.${i + 1}`)).status);
    expect(firstRefused(statuses)).toBe(max);
  });

  it("verification attempts from one address are limited even without a challenge", async () => {
    const { max } = RATE_LIMIT_RULES.twoFactorPerAddress;
    const statuses: number[] = [];
    for (let i = 0; i <= max; i++) statuses.push((await verify("", "123456", "203.0.113.40")).status);
    expect(firstRefused(statuses)).toBe(max);
    expect(statuses.slice(0, max).every((s) => s === 401)).toBe(true);
  });
});

describe("a signed-in user's password checked again", { timeout: 60_000 }, () => {
  const { max } = RATE_LIMIT_RULES.passwordCheckPerUser;

  async function signedIn(email: string, address: string): Promise<string> {
    const res = await signInEmail(behindProxy, email, TEST_PASSWORD, { "x-forwarded-for": address });
    expect(res.status).toBe(200);
    return cookieHeaderFrom(res.headers);
  }

  const changePassword = (cookie: string, currentPassword: string, address: string) =>
    post(behindProxy, "/api/auth/change-password", { currentPassword, newPassword: "another-horse-battery" }, { cookie, "x-forwarded-for": address });

  it("wrong current passwords through a session are refused once the user had too many, from any address", async () => {
    const { email } = await verifiedUser();
    const cookie = await signedIn(email, "203.0.113.50");
    const statuses: number[] = [];
    for (let i = 0; i <= max; i++) statuses.push((await changePassword(cookie, `wrong-password-${i}`, `198.51.100.${i + 1}`)).status);
    expect(firstRefused(statuses)).toBe(max);
    expect(statuses.slice(0, max).every((s) => s >= 400 && s < 429)).toBe(true);
    // Even the right password waits out the window now.
    expect((await changePassword(cookie, TEST_PASSWORD, "203.0.113.51")).status).toBe(429);
  });

  it("the right current password starts the user's count again", async () => {
    const { email } = await verifiedUser();
    const cookie = await signedIn(email, "203.0.113.60");
    for (let i = 0; i < max - 1; i++) expect((await changePassword(cookie, `wrong-password-${i}`, "203.0.113.60")).status).not.toBe(429);
    const ok = await post(behindProxy, "/api/auth/change-password", { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD }, { cookie, "x-forwarded-for": "203.0.113.60" });
    expect(ok.status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i <= max; i++) statuses.push((await changePassword(cookie, `wrong-again-${i}`, "203.0.113.61")).status);
    expect(firstRefused(statuses)).toBe(max);
  });
});

describe("malformed request paths", () => {
  it.each(["/%", "/api/trpc/%", "/api/auth/%", "/api/auth/sign-in/%E0%A4%A", "/projects/%zz?x=1"])("GET %s answers 400", async (path) => {
    const res = await fetch(`${direct.url}${path}`);
    expect(res.status).toBe(400);
  });

  it("a well-formed path still reaches the app", async () => {
    expect((await fetch(`${direct.url}/api/auth/get-session`)).status).toBe(200);
    expect((await fetch(`${direct.url}/api/auth/ok?q=%`)).status).toBe(200);
  });
});
