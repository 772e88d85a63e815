/**
 * Journey 4, platform admins: the internal procedure (service token) and `npm run admin:create` that
 * make them, platformProcedure's rules (platform role, email domain allowlist, no workspace, two-factor),
 * the read-only platform.users list, the real Better Auth TOTP sign-in, and the seeded admin persona.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { symmetricDecrypt } from "better-auth/crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { seed } from "../../prisma/seed";
import { env } from "@/env";
import { appRouter, createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { getAuth } from "@/server/auth";
import { prisma } from "@/server/db/client";
import { staffEmailPolicy, isStaffEmailAllowed } from "@/server/domain/platform/staff-email-policy";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, getPersona } from "@/server/seed/personas";
import {
  callerFor,
  cookieHeaderFrom,
  markEmailVerified,
  signIn,
  signUpAndSignIn,
  TEST_PASSWORD,
  uniqueEmail,
  type Caller,
  type SignedInUser,
} from "../helpers/auth";
import { callProcedure, listProcedures } from "../helpers/procedures";
import { errorShapeOf, expectTRPCError, trpcErrorOf } from "../helpers/trpc-errors";
import { drainJobs } from "../helpers/jobs";

const TOKEN = "internal-test-token-0123456789abcdefghijklmnop";
const STAFF_DOMAIN = "staff.example.com";
const original = { token: env.INTERNAL_SERVICE_TOKEN, domains: env.PLATFORM_ADMIN_EMAIL_DOMAINS };

// src/env.ts is parsed once per process; these tests switch the two keys on the parsed object.
afterEach(() => {
  env.INTERNAL_SERVICE_TOKEN = original.token;
  env.PLATFORM_ADMIN_EMAIL_DOMAINS = original.domains;
});

/** A caller for an HTTP request with these headers and no session. */
async function serviceCaller(authorization?: string): Promise<Caller> {
  const headers = new Headers(authorization ? { authorization } : {});
  return createCaller(await createTRPCContext({ headers, session: null }));
}

const staffEmail = (label = "admin") => uniqueEmail(label).replace("@example.com", `@${STAFF_DOMAIN}`);

/** internal.admins.create with the token switched on. */
async function createAdmin(email: string, name?: string) {
  env.INTERNAL_SERVICE_TOKEN = TOKEN;
  return (await serviceCaller(`Bearer ${TOKEN}`)).internal.admins.create({ email, name });
}

/**
 * What the new admin does after the password setup email: follows the reset link to choose a
 * password, then (until the reset marks the address verified, see the report) verifies the address.
 */
async function completePasswordSetup(email: string, password = TEST_PASSWORD) {
  await drainJobs(prisma);
  const mail = await prisma.devMailboxMessage.findFirstOrThrow({ where: { to: email }, orderBy: { createdAt: "desc" } });
  const token = /\/reset-password\/([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  expect(token, "reset link in the password setup email").toBeTruthy();
  await getAuth().api.resetPassword({ body: { token: token!, newPassword: password } });
  const user = await prisma.user.findUniqueOrThrow({ where: { email } });
  await markEmailVerified(user.id);
  return user.id;
}

/** The user's TOTP secret as Better Auth uses it (stored encrypted with the auth secret). */
async function totpSecretOf(userId: string): Promise<string> {
  const row = await prisma.twoFactor.findFirstOrThrow({ where: { userId } });
  return symmetricDecrypt({ key: process.env.BETTER_AUTH_SECRET!, data: row.secret });
}

async function totpCode(secret: string): Promise<string> {
  return (await getAuth().api.generateTOTP({ body: { secret } })).code;
}

/** Turns on TOTP through the plugin's real endpoints (enable + first code); returns the new session headers. */
async function enableTwoFactor(userId: string, headers: Headers, password = TEST_PASSWORD): Promise<Headers> {
  const enabled = await getAuth().api.enableTwoFactor({ body: { password }, headers });
  expect("totpURI" in enabled && enabled.totpURI).toMatch(/^otpauth:\/\/totp\//);
  const code = await totpCode(await totpSecretOf(userId));
  const { headers: response } = await getAuth().api.verifyTOTP({ body: { code }, headers, returnHeaders: true });
  return new Headers({ cookie: cookieHeaderFrom(response) });
}

/** Password sign-in of a user with two-factor on: no session, a two-factor cookie; then the TOTP step. */
async function signInWithTotp(email: string, password: string, secret: string): Promise<Headers> {
  const first = await getAuth().api.signInEmail({ body: { email, password }, returnHeaders: true });
  expect(first.response).toMatchObject({ twoFactorRedirect: true });
  const pending = new Headers({ cookie: cookieHeaderFrom(first.headers) });
  expect(pending.get("cookie")).not.toMatch(/session_token/);
  const { headers } = await getAuth().api.verifyTOTP({ body: { code: await totpCode(secret) }, headers: pending, returnHeaders: true });
  return new Headers({ cookie: cookieHeaderFrom(headers) });
}

interface Staff {
  userId: string;
  email: string;
  caller: Caller;
  headers: Headers;
}

/** A platform admin made through internal.admins.create, signed in (with two-factor on when asked). */
async function staffMember(opts: { twoFactor: boolean; label?: string }): Promise<Staff> {
  const email = staffEmail(opts.label);
  const { userId } = await createAdmin(email, "Staff Person");
  await completePasswordSetup(email);
  let headers = await signIn(email, TEST_PASSWORD);
  if (opts.twoFactor) headers = await enableTwoFactor(userId, headers);
  return { userId, email, headers, caller: await callerFor(headers) };
}

let owner: SignedInUser;
beforeAll(async () => {
  owner = await signUpAndSignIn({ name: "Tenant Owner" });
});

describe("staff email policy (PLATFORM_ADMIN_EMAIL_DOMAINS)", () => {
  it("defaults to any domain outside production, none in production, the demo domain in a production playground", () => {
    expect(staffEmailPolicy({ NODE_ENV: "development" })).toEqual({ kind: "any" });
    expect(staffEmailPolicy({ NODE_ENV: "test" })).toEqual({ kind: "any" });
    expect(staffEmailPolicy({ NODE_ENV: "production" })).toEqual({ kind: "none" });
    expect(staffEmailPolicy({ NODE_ENV: "production", PLAYGROUND: "1" })).toMatchObject({ kind: "domains", domains: ["demo.example.com"] });
  });

  it("matches listed domains exactly and case-insensitively", () => {
    const policy = staffEmailPolicy({ NODE_ENV: "production", PLATFORM_ADMIN_EMAIL_DOMAINS: " Example.com, ops.example.org ,," });
    expect(policy).toMatchObject({ kind: "domains", domains: ["example.com", "ops.example.org"] });
    expect(isStaffEmailAllowed(policy, "Ada@EXAMPLE.com")).toBe(true);
    expect(isStaffEmailAllowed(policy, "ops@ops.example.org")).toBe(true);
    for (const email of ["a@mail.example.com", "a@example.com.evil.test", "a@notexample.com", "example.com", "a@example.org"]) {
      expect(isStaffEmailAllowed(policy, email), email).toBe(false);
    }
  });
});

describe("internal procedures (service token)", () => {
  it("refuses a call without a bearer token with UNAUTHORIZED, whatever the session", async () => {
    env.INTERNAL_SERVICE_TOKEN = TOKEN;
    const email = staffEmail("no-token");
    await expectTRPCError((await serviceCaller()).internal.admins.create({ email }), "UNAUTHORIZED", "UNAUTHENTICATED");
    await expectTRPCError((await serviceCaller(`Basic ${TOKEN}`)).internal.admins.create({ email }), "UNAUTHORIZED", "UNAUTHENTICATED");
    // A signed-in user's session is no substitute for the token.
    await expectTRPCError(owner.caller.internal.admins.create({ email }), "UNAUTHORIZED", "UNAUTHENTICATED");
    expect(await prisma.user.count({ where: { email } })).toBe(0);
  });

  it("refuses a wrong token (shorter, longer, one character off) with UNAUTHORIZED", async () => {
    env.INTERNAL_SERVICE_TOKEN = TOKEN;
    const email = staffEmail("wrong-token");
    for (const wrong of [TOKEN.slice(0, -1), `${TOKEN}x`, `${TOKEN.slice(0, -1)}Q`, "x".repeat(TOKEN.length)]) {
      const error = await expectTRPCError((await serviceCaller(`Bearer ${wrong}`)).internal.admins.create({ email }), "UNAUTHORIZED", "UNAUTHENTICATED");
      expect(error.message).toMatch(/service token is not valid/);
    }
    expect(await prisma.user.count({ where: { email } })).toBe(0);
  });

  it("refuses every call with FORBIDDEN while INTERNAL_SERVICE_TOKEN is unset, even one bearing the old token", async () => {
    env.INTERNAL_SERVICE_TOKEN = undefined;
    const email = staffEmail("disabled");
    const error = await expectTRPCError((await serviceCaller(`Bearer ${TOKEN}`)).internal.admins.create({ email }), "FORBIDDEN", "FORBIDDEN");
    expect(error.message).toMatch(/INTERNAL_SERVICE_TOKEN is not set/);
    expect(await prisma.user.count({ where: { email } })).toBe(0);
  });

  it("creates a platform admin: unverified user, random password, no workspace, role, audit row, password setup email", async () => {
    const email = staffEmail("new");
    const tenantsBefore = await prisma.tenant.count();
    const result = await createAdmin(email.toUpperCase(), "Grace Hopper");
    expect(result).toMatchObject({ email, userCreated: true, roleGranted: true, passwordSetupEmail: "sent" });

    const user = await prisma.user.findUniqueOrThrow({
      where: { email },
      include: { platformRoles: true, memberships: true, accounts: true },
    });
    expect(user).toMatchObject({ id: result.userId, name: "Grace Hopper", emailVerified: false, twoFactorEnabled: false });
    expect(user.platformRoles.map((r) => r.role)).toEqual(["platform_admin"]);
    expect(user.memberships).toEqual([]);
    expect(await prisma.tenant.count()).toBe(tenantsBefore);
    expect(user.accounts).toHaveLength(1);
    expect(user.accounts[0]).toMatchObject({ providerId: "credential" });
    expect(user.accounts[0]!.password).toBeTruthy();

    const audit = await prisma.auditLog.findMany({ where: { targetId: user.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "platform.role_granted", tenantId: null, actorUserId: null, targetType: "user" });
    expect(audit[0]!.metadata).toEqual({ role: "platform_admin", via: "internal_api", userCreated: true });
    expect(JSON.stringify(audit[0]!.metadata)).not.toContain(email);

    await drainJobs(prisma);
    const mails = await prisma.devMailboxMessage.findMany({ where: { to: email } });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toMatch(/\/api\/auth\/reset-password\/[A-Za-z0-9_-]+/);

    // The link works: the admin chooses a password (and, once verified, signs in; no workspace is made).
    await completePasswordSetup(email, "chosen-password-1");
    await signIn(email, "chosen-password-1");
    expect(await prisma.tenantMember.count({ where: { userId: user.id } })).toBe(0);
    expect(await prisma.tenant.count()).toBe(tenantsBefore);
  });

  it("is idempotent: a second call finds the admin and changes nothing", async () => {
    const email = staffEmail("twice");
    const first = await createAdmin(email);
    const again = await createAdmin(email);
    expect(again).toEqual({ userId: first.userId, email, userCreated: false, roleGranted: false, passwordSetupEmail: "not_needed" });
    expect(await prisma.platformRoleAssignment.count({ where: { userId: first.userId } })).toBe(1);
    expect(await prisma.auditLog.count({ where: { targetId: first.userId } })).toBe(1);
    await drainJobs(prisma);
    expect(await prisma.devMailboxMessage.count({ where: { to: email } })).toBe(1);

    // Racing calls for a new address make one user, one assignment and one email.
    const raced = staffEmail("race");
    const results = await Promise.all([createAdmin(raced), createAdmin(raced), createAdmin(raced)]);
    expect(results.filter((r) => r.userCreated)).toHaveLength(1);
    expect(new Set(results.map((r) => r.userId)).size).toBe(1);
    expect(await prisma.platformRoleAssignment.count({ where: { user: { email: raced } } })).toBe(1);
    await drainJobs(prisma);
    expect(await prisma.devMailboxMessage.count({ where: { to: raced } })).toBe(1);
  });

  it("makes an existing user without a workspace an admin without creating anyone", async () => {
    const { userId, email } = await signUpAndSignIn({ name: "Former Customer" });
    await prisma.tenantMember.deleteMany({ where: { userId } });
    const result = await createAdmin(email);
    expect(result).toMatchObject({ userId, userCreated: false, roleGranted: true, passwordSetupEmail: "not_needed" });
  });

  it("refuses an email outside PLATFORM_ADMIN_EMAIL_DOMAINS with a clear message", async () => {
    env.PLATFORM_ADMIN_EMAIL_DOMAINS = STAFF_DOMAIN;
    for (const email of [uniqueEmail("outsider"), uniqueEmail("sub").replace("@example.com", `@eu.${STAFF_DOMAIN}`)]) {
      const error = await expectTRPCError(createAdmin(email), "FORBIDDEN", "FORBIDDEN");
      expect(error.message).toMatch(/not allowed for platform staff \(allowed: staff\.example\.com/);
      expect(await prisma.user.count({ where: { email } })).toBe(0);
    }
    expect((await createAdmin(staffEmail("inside"))).roleGranted).toBe(true);
  });

  it("refuses a user who belongs to a workspace, and grants nothing", async () => {
    const error = await expectTRPCError(createAdmin(owner.email), "CONFLICT", "CONFLICT");
    expect(error.message).toMatch(/belongs to 1 workspace/);
    expect(await prisma.platformRoleAssignment.count({ where: { userId: owner.userId } })).toBe(0);
  });

  it("answers malformed input with BAD_REQUEST once the token is right", async () => {
    for (const input of [{ email: "not-an-email" }, { email: `${"a".repeat(250)}@x.io` }, { email: staffEmail(), name: "bad\u0000name" }, {}]) {
      env.INTERNAL_SERVICE_TOKEN = TOKEN;
      await expectTRPCError((await serviceCaller(`Bearer ${TOKEN}`)).internal.admins.create(input as never), "BAD_REQUEST");
    }
  });

  it("npm run admin:create does the same in-process, with exit codes 0 and 1", { timeout: 180_000 }, async () => {
    const run = (args: string[], extraEnv: Record<string, string> = {}) =>
      promisify(execFile)(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "scripts/admin-create.ts", ...args], {
        env: { ...process.env, ...extraEnv },
      }).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
      );
    const email = staffEmail("cli");
    const created = await run([email, "Cli", "Admin"]);
    expect(created.out).toContain(`Created the user ${email}`);
    expect(created.code).toBe(0);
    const user = await prisma.user.findUniqueOrThrow({ where: { email }, include: { platformRoles: true } });
    expect(user.name).toBe("Cli Admin");
    expect(user.platformRoles.map((r) => r.role)).toEqual(["platform_admin"]);
    expect((await prisma.auditLog.findFirstOrThrow({ where: { targetId: user.id } })).metadata).toMatchObject({ via: "cli" });

    const again = await run([email]);
    expect(again).toMatchObject({ code: 0 });
    expect(again.out).toContain("already a platform admin");

    const outside = await run([uniqueEmail("cli-outsider")], { PLATFORM_ADMIN_EMAIL_DOMAINS: STAFF_DOMAIN });
    expect(outside.code).toBe(1);
    expect(outside.out).toMatch(/not allowed for platform staff/);

    const member = await run([owner.email]);
    expect(member.code).toBe(1);
    expect(member.out).toMatch(/belongs to 1 workspace/);

    expect((await run([])).code).toBe(1);
    expect((await run(["not-an-email"])).out).toMatch(/valid email/);
  });
});

describe("platformProcedure", () => {
  let withoutTwoFactor: Staff;
  let withTwoFactor: Staff;
  beforeAll(async () => {
    [withoutTwoFactor, withTwoFactor] = await Promise.all([
      staffMember({ twoFactor: false, label: "no-2fa" }),
      staffMember({ twoFactor: true, label: "with-2fa" }),
    ]);
  });

  it("refuses a signed-in user without a platform role with FORBIDDEN", async () => {
    await expectTRPCError(owner.caller.platform.tenants(), "FORBIDDEN", "FORBIDDEN");
    await expectTRPCError(owner.caller.platform.users({}), "FORBIDDEN", "FORBIDDEN");
    expect(await owner.caller.platform.status()).toMatchObject({ staff: false, roles: [], emailAllowed: false });
  });

  it("refuses staff without two-factor with TWO_FACTOR_REQUIRED and a clear message", async () => {
    const error = await expectTRPCError(withoutTwoFactor.caller.platform.tenants(), "FORBIDDEN", "TWO_FACTOR_REQUIRED");
    expect(error.message).toMatch(/two-factor authentication/i);
    await expectTRPCError(withoutTwoFactor.caller.platform.users({}), "FORBIDDEN", "TWO_FACTOR_REQUIRED");
    expect(await withoutTwoFactor.caller.platform.status()).toEqual({
      staff: true,
      roles: ["platform_admin"],
      emailAllowed: true,
      twoFactorEnabled: false,
      membershipCount: 0,
    });
  });

  it("refuses staff whose email domain is not (or no longer) allowed, even with two-factor", async () => {
    env.PLATFORM_ADMIN_EMAIL_DOMAINS = "other.example.org";
    const error = await expectTRPCError(withTwoFactor.caller.platform.tenants(), "FORBIDDEN", "FORBIDDEN");
    expect(error.message).toMatch(/not allowed for platform staff/);
    expect(await withTwoFactor.caller.platform.status()).toMatchObject({ staff: true, emailAllowed: false });
    env.PLATFORM_ADMIN_EMAIL_DOMAINS = STAFF_DOMAIN;
    await expect(withTwoFactor.caller.platform.tenants()).resolves.toBeInstanceOf(Array);
  });

  it("refuses staff who belong to a workspace", async () => {
    const member = await prisma.tenantMember.create({ data: { tenantId: owner.tenantId, userId: withTwoFactor.userId, role: "member" } });
    try {
      const error = await expectTRPCError(withTwoFactor.caller.platform.tenants(), "FORBIDDEN", "FORBIDDEN");
      expect(error.message).toMatch(/must not belong to a workspace/);
    } finally {
      await prisma.tenantMember.delete({ where: { id: member.id } });
    }
  });

  it("lets staff with two-factor list every tenant", async () => {
    const list = await withTwoFactor.caller.platform.tenants();
    expect(list).toHaveLength(await prisma.tenant.count());
    expect(list.map((t) => t.id)).toContain(owner.tenantId);
  });

  it("lists users read-only, newest first, with roles, verification and membership counts", async () => {
    const page = await withTwoFactor.caller.platform.users({ limit: 100 });
    const me = page.items.find((u) => u.id === withTwoFactor.userId);
    expect(me).toMatchObject({ email: withTwoFactor.email, emailVerified: true, twoFactorEnabled: true, platformRoles: ["platform_admin"], membershipCount: 0 });
    expect(page.items.find((u) => u.id === owner.userId)).toMatchObject({ platformRoles: [], membershipCount: 1 });
    const times = page.items.map((u) => u.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Object.keys(page.items[0]!).sort()).toEqual(
      ["createdAt", "email", "emailVerified", "id", "membershipCount", "name", "platformRoles", "twoFactorEnabled"].sort(),
    );
  });

  it("pages users with a cursor: every user exactly once, bounded page size", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 100; i++) {
      const page: Awaited<ReturnType<Caller["platform"]["users"]>> = await withTwoFactor.caller.platform.users({ cursor, limit: 2 });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((u) => u.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await prisma.user.count());

    await expectTRPCError(withTwoFactor.caller.platform.users({ limit: 101 }), "BAD_REQUEST");
    await expectTRPCError(withTwoFactor.caller.platform.users({ limit: 0 }), "BAD_REQUEST");
    await expectTRPCError(withTwoFactor.caller.platform.users({ cursor: "'; DROP TABLE users; --" }), "BAD_REQUEST");
    expect(await withTwoFactor.caller.platform.users({ cursor: "no-such-user" })).toEqual({ items: [], nextCursor: null });
    expect((await withTwoFactor.caller.platform.users({})).items.length).toBeLessThanOrEqual(50);
  });

  it("needs the TOTP code after the password: no session before, a session that works after", async () => {
    const email = staffEmail("signin");
    const { userId } = await createAdmin(email);
    await completePasswordSetup(email);
    await enableTwoFactor(userId, await signIn(email, TEST_PASSWORD));
    const sessionsBefore = await prisma.session.count({ where: { userId } });

    const first = await getAuth().api.signInEmail({ body: { email, password: TEST_PASSWORD }, returnHeaders: true });
    expect(first.response).toMatchObject({ twoFactorRedirect: true });
    expect(await prisma.session.count({ where: { userId } })).toBe(sessionsBefore);
    const pending = new Headers({ cookie: cookieHeaderFrom(first.headers) });
    await expectTRPCError((await callerFor(pending)).platform.tenants(), "UNAUTHORIZED");

    const right = await totpCode(await totpSecretOf(userId));
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, "0");
    await expect(getAuth().api.verifyTOTP({ body: { code: wrong }, headers: pending })).rejects.toThrow(/invalid code/i);
    const headers = await signInWithTotp(email, TEST_PASSWORD, await totpSecretOf(userId));
    await expect((await callerFor(headers)).platform.tenants()).resolves.toBeInstanceOf(Array);
  });

  it("refuses platform staff on every projects.* and tenants.* procedure with PLATFORM_USER", async () => {
    // Looked up by an invitation token, without acting as the caller: not a workspace feature.
    const PUBLIC_LOOKUPS = new Set(["tenants.invitations.get"]);
    const paths = listProcedures(appRouter)
      .map((p) => p.path)
      .filter((p) => (p.startsWith("projects.") || p.startsWith("tenants.")) && !PUBLIC_LOOKUPS.has(p));
    expect(paths).toEqual(expect.arrayContaining(["projects.list", "projects.create", "tenants.current", "tenants.switch"]));
    const input = { id: "x", name: "x", tenantId: owner.tenantId, email: "x@example.com", role: "member", confirmation: "x", token: "x" };
    for (const caller of [withTwoFactor.caller, withoutTwoFactor.caller]) {
      for (const p of paths) {
        const error = await trpcErrorOf(callProcedure(caller, p, input));
        expect({ path: p, code: error.code, appCode: errorShapeOf(error).data.appCode }).toEqual({ path: p, code: "FORBIDDEN", appCode: "PLATFORM_USER" });
      }
    }
    expect(await prisma.tenantMember.count({ where: { userId: { in: [withTwoFactor.userId, withoutTwoFactor.userId] } } })).toBe(0);
  });
});

describe("the seeded platform admin persona", () => {
  it("has two-factor on with DEMO_TOTP_SECRET, stored as Better Auth stores it, and reaches the platform after the code", async () => {
    await seed(prisma);
    const admin = getPersona("platformAdmin");
    const user = await prisma.user.findUniqueOrThrow({ where: { email: admin.email }, include: { twoFactors: true } });
    expect(user.twoFactorEnabled).toBe(true);
    expect(user.twoFactors).toHaveLength(1);
    expect(user.twoFactors[0]).toMatchObject({ verified: true });
    expect(await totpSecretOf(user.id)).toBe(DEMO_TOTP_SECRET);

    const headers = await signInWithTotp(admin.email, DEMO_PASSWORD, DEMO_TOTP_SECRET);
    const caller = await callerFor(headers);
    const names = (await caller.platform.tenants()).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["Northwind Analytics", "Brightline Studio"]));
    await expectTRPCError(caller.projects.list(), "FORBIDDEN", "PLATFORM_USER");
  });

  it("re-encrypts the secret when seeded for another auth secret, and is quiet otherwise", async () => {
    const again = await seed(prisma);
    expect(again.updated.user_two_factors).toBeUndefined();
    const other = await seed(prisma, { authSecret: "another-secret-0123456789abcdefghijklmnopqrstuvwxyz" });
    expect(other.updated).toMatchObject({ user_two_factors: 1 });
    const back = await seed(prisma);
    expect(back.updated).toMatchObject({ user_two_factors: 1 });
    expect(await totpSecretOf((await prisma.user.findUniqueOrThrow({ where: { email: getPersona("platformAdmin").email } })).id)).toBe(DEMO_TOTP_SECRET);
  });
});
