/**
 * Journey 1: sign-up through tRPC me.signUp and the real Better Auth, against this file's own
 * PostgreSQL database. Tenant provisioning, consents, audit, verification mail and link, sign-in,
 * refused consents; an existing address answers like a new one (the holder is mailed instead), also
 * over Better Auth's own HTTP endpoint and when two sign-ups race.
 */
import { describe, expect, it } from "vitest";
import { getAuth } from "@/server/auth";
import { prisma } from "@/server/db/client";
import { CURRENT_POLICY_VERSION } from "@/server/domain/privacy/consents";
import { provisionPersonalTenant } from "@/server/domain/tenancy/provision-tenant";
import { anonymousCaller, callerFor, cookieHeaderFrom, markEmailVerified, signIn, signUp, TEST_PASSWORD, uniqueEmail } from "../helpers/auth";
import { expectTRPCError } from "../helpers/trpc-errors";
import { drainJobs } from "../helpers/jobs";
import { DAY_MS } from "@/lib/time";

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

    // The client learns nothing beyond "check your email" (the same answer an existing address gets, below).
    expect(result).toEqual({ email, verificationRequired: true });
    const user = await prisma.user.findUniqueOrThrow({ where: { email } });
    expect(user).toMatchObject({ name: "Grace Hopper", emailVerified: false });

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

/** Better Auth's own endpoint, as a browser or script would call it. */
function httpSignUp(body: Record<string, unknown>): Promise<Response> {
  return getAuth().handler(
    new Request("http://localhost:3000/api/auth/sign-up/email", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://localhost:3000" },
      body: JSON.stringify(body),
    }),
  );
}

/** What a client can observe of an HTTP answer, with the per-call values (fresh ids, clocks, the address sent) blanked. */
async function observable(response: Response, email: string) {
  const text = await response.text();
  const headers = [...response.headers].filter(([name]) => name !== "date").sort(([a], [b]) => a.localeCompare(b));
  const body = text
    .replaceAll(email, "<email>")
    .replace(/"id":"[^"]+"/g, '"id":"<id>"')
    .replace(/"(createdAt|updatedAt)":"[^"]+"/g, '"$1":"<time>"');
  return { status: response.status, headers: headers.map(([name, value]) => [name, name === "content-length" ? "<n>" : value]), body };
}

/** The "someone tried to sign up" mails an address has received, after running the queued jobs. */
async function signUpAttemptMails(to: string) {
  await drainJobs(prisma);
  return prisma.devMailboxMessage.findMany({ where: { to, tags: { path: ["template"], equals: "signUpAttempt" } }, orderBy: { createdAt: "asc" } });
}

describe("sign-up with an address that already has an account (no account enumeration)", () => {
  it("me.signUp answers exactly as for a new address, in any letter case, and creates nothing", async () => {
    const existing = await signUp({ email: uniqueEmail("taken") });
    const fresh = uniqueEmail("fresh");
    const counts = async () => ({ users: await prisma.user.count(), tenants: await prisma.tenant.count(), members: await prisma.tenantMember.count() });

    const before = await counts();
    const caller = await anonymousCaller();
    const input = (email: string) => ({ name: "Mallory", email, password: "another-password-1", consents: { terms: true as const }, locale: "en" as const });
    const forExisting = await caller.me.signUp(input(existing.email));
    const forExistingUpper = await caller.me.signUp(input(existing.email.toUpperCase()));
    const forNew = await caller.me.signUp(input(fresh));

    expect(forExisting).toEqual({ email: existing.email, verificationRequired: true });
    expect(forExistingUpper).toEqual({ email: existing.email, verificationRequired: true });
    expect(forNew).toEqual({ email: fresh, verificationRequired: true });
    expect({ ...forExisting, email: "<email>" }).toEqual({ ...forNew, email: "<email>" });

    // Only the new address got an account; the existing one is untouched (name, password, one tenant).
    expect(await counts()).toEqual({ users: before.users + 1, tenants: before.tenants + 1, members: before.members + 1 });
    expect(await prisma.user.count({ where: { email: { equals: existing.email, mode: "insensitive" } } })).toBe(1);
    expect(await prisma.user.findUniqueOrThrow({ where: { email: existing.email } })).toMatchObject({ id: existing.userId, name: existing.name });
    await markEmailVerified(existing.userId);
    await expect(signIn(existing.email, existing.password)).resolves.toBeInstanceOf(Headers);
  });

  it("the account holder gets one 'someone tried to sign up' mail per attempt, with sign-in and reset links; a new address gets none", async () => {
    const existing = await signUp({ email: uniqueEmail("holder") });
    await drainJobs(prisma);
    expect(await signUpAttemptMails(existing.email)).toHaveLength(0); // their own sign-up sent the verification mail only

    await signUp({ email: existing.email, name: "Someone Else" });
    await signUp({ email: existing.email.toUpperCase(), name: "Someone Else" });
    const mails = await signUpAttemptMails(existing.email);
    expect(mails).toHaveLength(2);
    expect(mails[0]).toMatchObject({ subject: "Someone tried to sign up with your email address", tags: { template: "signUpAttempt", locale: "en" } });
    expect(mails[0]!.text).toContain("http://localhost:3000/sign-in");
    expect(mails[0]!.text).toContain("http://localhost:3000/forgot-password");
    expect(mails[0]!.text).not.toContain("Someone Else"); // the attempt's details are not echoed to the holder
    // No verification mail for the attempts: the holder's mailbox has their one verification mail.
    expect(await prisma.devMailboxMessage.count({ where: { to: existing.email, tags: { path: ["template"], equals: "verifyEmail" } } })).toBe(1);

    // The queued messages' keys are bounded and never carry the address.
    const rows = await prisma.notificationOutbox.findMany({ where: { event: "auth.sign-up-attempt", recipient: existing.email } });
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.idempotencyKey).not.toContain(existing.email);
      expect(row.idempotencyKey.length).toBeLessThanOrEqual(120);
      expect(row).toMatchObject({ userId: existing.userId, category: "security" });
    }

    const fresh = await signUp({ email: uniqueEmail("nomail") });
    expect(await signUpAttemptMails(fresh.email)).toHaveLength(0);
  });

  it("the mail is in the language the sign-up form was in", async () => {
    const existing = await signUp({ email: uniqueEmail("german") });
    await signUp({ email: existing.email, locale: "de" });
    const [mail] = await signUpAttemptMails(existing.email);
    expect(mail).toMatchObject({ subject: "Jemand hat versucht, sich mit Ihrer E-Mail-Adresse zu registrieren", tags: { locale: "de" } });
    expect(mail!.text).toContain("http://localhost:3000/de/sign-in");
    expect(mail!.text).toContain("http://localhost:3000/de/forgot-password");
  });

  it("the verification mail of a sign-up is in the language the sign-up form was in", async () => {
    const { email } = await signUp({ email: uniqueEmail("verify-de"), locale: "de" });
    const [row] = await prisma.notificationOutbox.findMany({ where: { event: "auth.verify-email", recipient: email } });
    expect(row).toMatchObject({ locale: "de" });
    const { email: english } = await signUp({ email: uniqueEmail("verify-en"), locale: "en" });
    expect(await prisma.notificationOutbox.findFirst({ where: { event: "auth.verify-email", recipient: english } })).toMatchObject({ locale: "en" });
  });

  it("Better Auth's /sign-up/email answers the same over HTTP for an existing and a new address, and mails the holder", async () => {
    const existing = await signUp({ email: uniqueEmail("http-taken") });
    const fresh = uniqueEmail("http-fresh");
    const body = (email: string) => ({ name: "Mallory", email, password: "another-password-1" });

    const forExisting = await observable(await httpSignUp(body(existing.email)), existing.email);
    const forNew = await observable(await httpSignUp(body(fresh)), fresh);
    expect(forExisting.status).toBe(200);
    expect(forExisting).toEqual(forNew);

    expect(await prisma.user.count({ where: { email: existing.email } })).toBe(1);
    expect(await prisma.user.count({ where: { email: fresh } })).toBe(1);
    expect(await signUpAttemptMails(existing.email)).toHaveLength(1);
    expect(await signUpAttemptMails(fresh)).toHaveLength(0);
  });

  it("two concurrent sign-ups for one new address: one account, both answer the same, no 'someone tried' mail", async () => {
    const email = uniqueEmail("concurrent");
    const caller = await anonymousCaller();
    const input = (address: string, name: string) => ({ name, email: address, password: TEST_PASSWORD, consents: { terms: true as const }, locale: "en" as const });
    const [first, second] = await Promise.all([caller.me.signUp(input(email, "First")), caller.me.signUp(input(email.toUpperCase(), "Second"))]);
    expect(first).toEqual({ email, verificationRequired: true });
    expect(second).toEqual(first);

    const users = await prisma.user.findMany({ where: { email: { equals: email, mode: "insensitive" } } });
    expect(users).toHaveLength(1);
    expect(await prisma.tenantMember.count({ where: { userId: users[0]!.id } })).toBe(1);
    expect(await signUpAttemptMails(email)).toHaveLength(0);
  });
});

describe("me.signUp refusals", () => {
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
