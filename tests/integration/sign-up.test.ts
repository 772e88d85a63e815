/**
 * Journey 1: sign-up through tRPC me.signUp and the real Better Auth, against this file's own
 * PostgreSQL database. Tenant provisioning, consents, audit, verification mail and link, sign-in,
 * duplicate and concurrent sign-ups, refused consents.
 */
import { describe, expect, it } from "vitest";
import { getAuth } from "@/server/auth";
import { prisma } from "@/server/db/client";
import { CURRENT_POLICY_VERSION } from "@/server/domain/privacy/consents";
import { provisionPersonalTenant } from "@/server/domain/tenancy/provision-tenant";
import { anonymousCaller, callerFor, cookieHeaderFrom, signIn, signUp, TEST_PASSWORD, uniqueEmail } from "../helpers/auth";
import { expectTRPCError, trpcErrorOf } from "../helpers/trpc-errors";
import { drainJobs } from "../helpers/jobs";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The verification link in the newest email to `to`, as a user would click it. */
async function verificationLinkFor(to: string): Promise<string> {
  await drainJobs(prisma);
  const mail = await prisma.devMailboxMessage.findFirstOrThrow({ where: { to }, orderBy: { createdAt: "desc" } });
  const href = mail.html.match(/href="([^"]*\/api\/auth\/verify-email\?[^"]*)"/)?.[1];
  if (!href) throw new Error(`No verification link in: ${mail.html.slice(0, 500)}`);
  return href.replaceAll("&amp;", "&");
}

describe("me.signUp", () => {
  it("creates one trial tenant owned by the user, with consents, an audit row and a verification email", async () => {
    const before = Date.now();
    const tenantsBefore = await prisma.tenant.count();
    const email = uniqueEmail("journey");
    const result = await (await anonymousCaller()).me.signUp({
      name: "Grace Hopper",
      email,
      password: TEST_PASSWORD,
      consents: { terms: true, marketingEmails: true },
      locale: "en",
    });

    expect(result).toEqual({ userId: expect.any(String), email, verificationRequired: true });
    const user = await prisma.user.findUniqueOrThrow({ where: { email } });
    expect(user).toMatchObject({ id: result.userId, name: "Grace Hopper", emailVerified: false });

    expect(await prisma.tenant.count()).toBe(tenantsBefore + 1);
    const memberships = await prisma.tenantMember.findMany({ where: { userId: user.id }, include: { tenant: true } });
    expect(memberships).toHaveLength(1);
    const { tenant, role } = memberships[0]!;
    expect(role).toBe("owner");
    expect(tenant).toMatchObject({ name: "Grace's workspace", plan: "starter", billingState: "trial", deletedAt: null });
    const trialMs = tenant.trialEndsAt!.getTime() - before;
    expect(trialMs).toBeGreaterThan(14 * DAY_MS - 60_000);
    expect(trialMs).toBeLessThan(14 * DAY_MS + 60_000);
    // The tenant has exactly one member: the new user.
    expect(await prisma.tenantMember.count({ where: { tenantId: tenant.id } })).toBe(1);

    const consents = await prisma.userPrivacyConsent.findMany({ where: { userId: user.id }, orderBy: { purpose: "asc" } });
    expect(consents.map((c) => ({ purpose: c.purpose, granted: c.granted, policyVersion: c.policyVersion }))).toEqual([
      { purpose: "marketing_emails", granted: true, policyVersion: CURRENT_POLICY_VERSION },
      { purpose: "privacy_policy", granted: true, policyVersion: CURRENT_POLICY_VERSION },
      { purpose: "terms", granted: true, policyVersion: CURRENT_POLICY_VERSION },
    ]);

    const audit = await prisma.auditLog.findMany({ where: { tenantId: tenant.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "tenant.created",
      actorUserId: user.id,
      targetType: "tenant",
      targetId: tenant.id,
      metadata: { plan: "starter", billingState: "trial" },
    });

    await drainJobs(prisma);
    const mails = await prisma.devMailboxMessage.findMany({ where: { to: email } });
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ subject: "Verify your email address", tags: { template: "verifyEmail", locale: "en" } });
  });

  it("records marketing_emails = false when the box was not ticked", async () => {
    const { userId } = await signUp({ marketingEmails: false });
    const marketing = await prisma.userPrivacyConsent.findMany({ where: { userId, purpose: "marketing_emails" } });
    expect(marketing.map((c) => c.granted)).toEqual([false]);
  });

  it("sends a verification link that verifies the address and signs the user in", async () => {
    const email = uniqueEmail("verify");
    const { userId } = await signUp({ email });
    const link = await verificationLinkFor(email);
    expect(new URL(link).origin).toBe("http://localhost:3000");

    const response = await getAuth().handler(new Request(link));
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/projects");
    const cookie = cookieHeaderFrom(response.headers);
    expect(cookie).toMatch(/better-auth\.session_token=[^;]+/);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: userId } })).emailVerified).toBe(true);

    // The cookie is a working session, active in the user's own tenant.
    const me = await (await callerFor(new Headers({ cookie }))).me.get();
    const tenant = await prisma.tenantMember.findFirstOrThrow({ where: { userId } });
    expect(me).toMatchObject({ user: { id: userId, email, emailVerified: true }, activeTenantId: tenant.tenantId });
  });

  it("refuses password sign-in before the email is verified", async () => {
    const { email } = await signUp();
    await expect(signIn(email)).rejects.toMatchObject({ status: "FORBIDDEN" });
    expect(await prisma.session.count({ where: { user: { email } } })).toBe(0);
  });

  it("does not create a second tenant when the user signs in again", async () => {
    const { userId, email } = await signUp();
    await prisma.user.update({ where: { id: userId }, data: { emailVerified: true } });
    await signIn(email);
    await signIn(email);
    expect(await prisma.tenantMember.count({ where: { userId } })).toBe(1);
    expect(await prisma.auditLog.count({ where: { actorUserId: userId, action: "tenant.created" } })).toBe(1);
    expect(await prisma.session.count({ where: { userId } })).toBe(2);
  });

  it("provisions one tenant when provisionPersonalTenant races itself for the same user", async () => {
    // A user with no tenant yet (as if sign-up crashed before the hook ran).
    const userId = `race-${Date.now()}`;
    await prisma.user.create({ data: { id: userId, name: "Race", email: uniqueEmail("race") } });
    const results = await Promise.all(
      Array.from({ length: 4 }, () => provisionPersonalTenant(prisma, { userId, tenantName: "Race's workspace" })),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.tenant.id)).size).toBe(1);
    expect(await prisma.tenantMember.count({ where: { userId } })).toBe(1);
    expect(await prisma.tenant.count({ where: { name: "Race's workspace" } })).toBe(1);
  });

  it("provisions the missing tenant on sign-in if sign-up left the user without one", async () => {
    const { userId, email } = await signUp();
    await prisma.user.update({ where: { id: userId }, data: { emailVerified: true } });
    await prisma.tenant.deleteMany({ where: { members: { some: { userId } } } });
    expect(await prisma.tenantMember.count({ where: { userId } })).toBe(0);

    const headers = await signIn(email);
    const memberships = await prisma.tenantMember.findMany({ where: { userId } });
    expect(memberships).toHaveLength(1);
    expect(memberships[0]!.role).toBe("owner");
    const me = await (await callerFor(headers)).me.get();
    expect(me.activeTenantId).toBe(memberships[0]!.tenantId);
  });
});

describe("me.signUp refusals", () => {
  it("refuses an email that is already registered with CONFLICT / EMAIL_TAKEN, in any letter case", async () => {
    const email = uniqueEmail("dup");
    await signUp({ email });
    await expectTRPCError(signUp({ email }), "CONFLICT", "EMAIL_TAKEN");
    await expectTRPCError(signUp({ email: email.toUpperCase() }), "CONFLICT", "EMAIL_TAKEN");
    expect(await prisma.user.count({ where: { email: { equals: email, mode: "insensitive" } } })).toBe(1);
    expect(await prisma.tenantMember.count({ where: { user: { email } } })).toBe(1);
  });

  it("lets exactly one of two concurrent sign-ups with the same email through; the other gets CONFLICT", async () => {
    const email = uniqueEmail("concurrent");
    const outcomes = await Promise.allSettled([signUp({ email, name: "First" }), signUp({ email: email.toUpperCase(), name: "Second" })]);
    const fulfilled = outcomes.filter((o) => o.status === "fulfilled");
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect({ fulfilled: fulfilled.length, rejected: rejected.length }).toEqual({ fulfilled: 1, rejected: 1 });
    const error = await trpcErrorOf(Promise.reject(rejected[0]!.reason));
    expect(error.code).toBe("CONFLICT");

    const users = await prisma.user.findMany({ where: { email: { equals: email, mode: "insensitive" } } });
    expect(users).toHaveLength(1);
    expect(await prisma.tenantMember.count({ where: { userId: users[0]!.id } })).toBe(1);
  });

  it("refuses terms = false with BAD_REQUEST and writes nothing", async () => {
    const email = uniqueEmail("noterms");
    const caller = await anonymousCaller();
    const counts = async () => ({
      users: await prisma.user.count(),
      tenants: await prisma.tenant.count(),
      consents: await prisma.userPrivacyConsent.count(),
      mails: await prisma.devMailboxMessage.count(),
      queued: await prisma.notificationOutbox.count(),
    });
    const before = await counts();
    await expectTRPCError(
      caller.me.signUp({
        name: "No Terms",
        email,
        password: TEST_PASSWORD,
        // @ts-expect-error the schema only accepts `true`
        consents: { terms: false, marketingEmails: true },
      }),
      "BAD_REQUEST",
    );
    expect(await prisma.user.findUnique({ where: { email } })).toBeNull();
    expect(await counts()).toEqual(before);
  });

  it("refuses a short password and an invalid email with BAD_REQUEST", async () => {
    const caller = await anonymousCaller();
    const base = { name: "X", email: uniqueEmail("bad"), password: TEST_PASSWORD, consents: { terms: true as const } };
    await expectTRPCError(caller.me.signUp({ ...base, password: "short" }), "BAD_REQUEST");
    await expectTRPCError(caller.me.signUp({ ...base, email: "not-an-email" }), "BAD_REQUEST");
    expect(await prisma.user.findUnique({ where: { email: base.email } })).toBeNull();
  });
});
