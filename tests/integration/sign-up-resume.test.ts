/**
 * Issue 11, finding 4: a sign-up that fails after Better Auth created the account (under load the
 * provisioning transaction passed its time limit) must not leave a user without a workspace and without
 * a verification mail. The failing attempt answers 503 + Retry-After; a retried sign-up, concurrent
 * retries or the first sign-in finish what is missing, exactly once.
 *
 * The failure is a real one in this file's database: a trigger that makes the next insert into a table
 * fail (what a statement cut off by a time limit looks like to the app), not a mocked domain function.
 */
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { getAuth } from "@/server/auth";
import { prisma } from "@/server/db/client";
import { APP_ORIGIN, authRequest, trpcInput, trpcRequest } from "../helpers/api-requests";
import { callerFor, cookieHeaderFrom, TEST_PASSWORD, uniqueEmail } from "../helpers/auth";
import { drainJobs } from "../helpers/jobs";

const FAULT_TABLES = ["tenants", "notification_outbox"] as const;
type FaultTable = (typeof FAULT_TABLES)[number];

/**
 * The next `times` inserts into `table` fail. A sequence counts them: nextval is not undone when the
 * failing transaction rolls back, so the fault fires `times` times in all.
 */
async function failNextInserts(table: FaultTable, times = 1) {
  const name = `test_fault_${table}`;
  await prisma.$executeRawUnsafe(`DROP SEQUENCE IF EXISTS ${name}`);
  await prisma.$executeRawUnsafe(`CREATE SEQUENCE ${name}`);
  await prisma.$executeRawUnsafe(`
    CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF nextval('${name}') <= ${times} THEN
        RAISE EXCEPTION 'injected fault: insert into ${table}' USING ERRCODE = 'query_canceled';
      END IF;
      RETURN NEW;
    END $$`);
  await prisma.$executeRawUnsafe(`CREATE OR REPLACE TRIGGER ${name} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`);
}

afterEach(async () => {
  for (const table of FAULT_TABLES) await prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS test_fault_${table} ON ${table}`);
});

const signUpInput = (email: string) => ({
  name: "Margaret Hamilton",
  email,
  password: TEST_PASSWORD,
  consents: { terms: true, marketingEmails: true },
  locale: "en",
});

/** me.signUp over HTTP, as the sign-up form sends it. */
const trpcSignUp = (email: string) =>
  trpcRequest("/api/trpc/me.signUp", { headers: { origin: APP_ORIGIN }, body: trpcInput(signUpInput(email)) });

/** Better Auth's own endpoint, as a script would call it. */
const httpSignUp = (email: string) =>
  authRequest("/api/auth/sign-up/email", {
    headers: { origin: APP_ORIGIN },
    body: { name: "Margaret Hamilton", email, password: TEST_PASSWORD, callbackURL: "/projects" },
  });

/** What the address has: accounts, workspaces, consents and mails (after the queued jobs ran). */
async function stateOf(email: string) {
  await drainJobs(prisma);
  const users = await prisma.user.findMany({ where: { email }, select: { id: true } });
  const userIds = users.map((u) => u.id);
  const mails = await prisma.devMailboxMessage.findMany({ where: { to: email }, orderBy: { createdAt: "asc" } });
  return {
    users: users.length,
    memberships: await prisma.tenantMember.findMany({ where: { userId: { in: userIds } }, select: { tenantId: true, role: true } }),
    tenantsCreated: await prisma.auditLog.count({ where: { actorUserId: { in: userIds }, action: "tenant.created" } }),
    consents: await prisma.userPrivacyConsent.count({ where: { userId: { in: userIds } } }),
    verificationMails: mails.filter((m) => (m.tags as { template?: string }).template === "verifyEmail").length,
    signUpAttemptMails: mails.filter((m) => (m.tags as { template?: string }).template === "signUpAttempt").length,
  };
}

const NOTHING_FINISHED = { users: 1, memberships: [], tenantsCreated: 0, consents: 0, verificationMails: 0, signUpAttemptMails: 0 };

function expectFinishedOnce(state: Awaited<ReturnType<typeof stateOf>>, consents = 3) {
  expect(state).toEqual({
    users: 1,
    memberships: [{ tenantId: expect.any(String), role: "owner" }],
    tenantsCreated: 1,
    consents,
    verificationMails: 1,
    signUpAttemptMails: 0,
  });
}

/** The attempt a fault cut short answers a retryable 503, never a 500, and says nothing of the cause. */
async function expectRetryLater(response: Response) {
  const body = await response.text();
  expect(response.status, body).toBe(503);
  expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
  expect(body).toContain("Try again in a moment");
  expect(body).not.toContain("injected fault");
}

/**
 * Holds the user's provisioning lock (provision-tenant.ts) on a connection of its own while `start`
 * sends requests, until `waiters` of them wait for it, then lets them go and returns their answers.
 */
async function whileProvisioningLocked(userId: string, waiters: number, start: () => Promise<Response>[]): Promise<Response[]> {
  const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await holder.connect();
  try {
    await holder.query("SELECT pg_advisory_lock(hashtext('provision-tenant'), hashtext($1))", [userId]);
    const requests = start();
    for (;;) {
      const { rows } = await holder.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
      );
      if (rows[0]!.n >= waiters) break;
      await sleep(20);
    }
    await holder.query("SELECT pg_advisory_unlock(hashtext('provision-tenant'), hashtext($1))", [userId]);
    return await Promise.all(requests);
  } finally {
    await holder.end();
  }
}

async function verificationLinkFor(to: string): Promise<string> {
  await drainJobs(prisma);
  const mail = await prisma.devMailboxMessage.findFirstOrThrow({ where: { to, tags: { path: ["template"], equals: "verifyEmail" } } });
  const href = mail.html.match(/href="([^"]*\/api\/auth\/verify-email\?[^"]*)"/)?.[1];
  if (!href) throw new Error(`No verification link in: ${mail.html.slice(0, 500)}`);
  return href.replaceAll("&amp;", "&");
}

describe("a sign-up whose provisioning failed", () => {
  it("sign-up with provisioning made to fail once, then retried: one user, one workspace, one verification mail", async () => {
    const email = uniqueEmail("resume");
    await failNextInserts("tenants");
    await expectRetryLater(await trpcSignUp(email));
    expect(await stateOf(email)).toEqual(NOTHING_FINISHED);

    const retry = await trpcSignUp(email);
    expect(retry.status).toBe(200);
    expect((await retry.json()).result.data.json).toEqual({ email, verificationRequired: true });
    expectFinishedOnce(await stateOf(email));

    // The mail's link works: the address is verified and the session starts in the workspace.
    const verified = await getAuth().handler(new Request(await verificationLinkFor(email)));
    expect(verified.status).toBe(302);
    const me = await (await callerFor(new Headers({ cookie: cookieHeaderFrom(verified.headers) }))).me.get();
    const [membership] = (await stateOf(email)).memberships;
    expect(me).toMatchObject({ user: { email, emailVerified: true }, activeTenantId: membership!.tenantId });
  });

  it("Better Auth's /sign-up/email: 503 with Retry-After, then the retry finishes it", async () => {
    const email = uniqueEmail("resume-http");
    await failNextInserts("tenants");
    await expectRetryLater(await httpSignUp(email));
    expect(await stateOf(email)).toEqual(NOTHING_FINISHED);

    const retry = await httpSignUp(email);
    expect(retry.status).toBe(200);
    expect((await retry.json()).user.email).toBe(email);
    expectFinishedOnce(await stateOf(email), 0); // no consents in a bare API call
  });

  it("a failure queuing the verification mail undoes the workspace too; the retry makes both", async () => {
    const email = uniqueEmail("resume-mail");
    await failNextInserts("notification_outbox");
    await expectRetryLater(await trpcSignUp(email));
    expect(await stateOf(email)).toEqual(NOTHING_FINISHED);

    expect((await trpcSignUp(email)).status).toBe(200);
    expectFinishedOnce(await stateOf(email));
  });

  it("concurrent retries still give one workspace and one verification mail, and no 'someone tried' mail", async () => {
    const email = uniqueEmail("resume-race");
    await failNextInserts("tenants");
    await expectRetryLater(await trpcSignUp(email));
    const { id: userId } = await prisma.user.findUniqueOrThrow({ where: { email } });

    // The retries all reach the user's provisioning lock before any of them may finish: truly concurrent.
    const retries = await whileProvisioningLocked(userId, 4, () => [trpcSignUp(email), trpcSignUp(email), httpSignUp(email), httpSignUp(email)]);
    expect(retries.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const state = await stateOf(email);
    expect(state.memberships).toHaveLength(1);
    expect(state).toMatchObject({ users: 1, tenantsCreated: 1, verificationMails: 1, signUpAttemptMails: 0 });
    // One set of consents, from whichever retry finished the sign-up (the bare API calls have none).
    expect([0, 3]).toContain(state.consents);
  });

  it("a later sign-up with the finished account's address is an attempt on an existing account again", async () => {
    const email = uniqueEmail("resume-later");
    await failNextInserts("tenants");
    await expectRetryLater(await trpcSignUp(email));
    expect((await trpcSignUp(email)).status).toBe(200);
    expect((await trpcSignUp(email)).status).toBe(200);
    expect(await stateOf(email)).toMatchObject({ tenantsCreated: 1, verificationMails: 1, signUpAttemptMails: 1 });
  });

  it("the first sign-in finishes it once: workspace and verification mail, still refused until the address is verified", async () => {
    const email = uniqueEmail("resume-sign-in");
    await failNextInserts("tenants");
    await expectRetryLater(await trpcSignUp(email));

    const signIn = () => authRequest("/api/auth/sign-in/email", { headers: { origin: APP_ORIGIN }, body: { email, password: TEST_PASSWORD } });
    const first = await signIn();
    expect(first.status).toBe(403);
    expect(await first.json()).toMatchObject({ code: "EMAIL_NOT_VERIFIED" });
    expectFinishedOnce(await stateOf(email), 0); // the consents were lost with the failed attempt

    expect((await signIn()).status).toBe(403);
    expectFinishedOnce(await stateOf(email), 0);
  });

  it("a wrong password at sign-in finishes nothing", async () => {
    const email = uniqueEmail("resume-wrong");
    await failNextInserts("tenants");
    await expectRetryLater(await trpcSignUp(email));
    const wrong = await authRequest("/api/auth/sign-in/email", { headers: { origin: APP_ORIGIN }, body: { email, password: "not-the-password" } });
    expect(wrong.status).toBe(401);
    expect(await stateOf(email)).toEqual(NOTHING_FINISHED);
  });
});
