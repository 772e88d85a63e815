/**
 * Who reads which dev mailbox message (src/server/domain/dev-mailbox/access.ts), on real PostgreSQL with
 * mail made by the real flows (sign-up, magic link) and delivered by the job runner: the playground
 * rules ("own": a public demo) and development's open mailbox; the sign-up pass that me.signUp issues.
 */
import { describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { getAuth } from "@/server/auth";
import { prisma } from "@/server/db/client";
import { findMailboxMessage, listMailbox, mailboxMode, resolveMailboxAccess, type MailboxViewer } from "@/server/domain/dev-mailbox/access";
import { createMailboxPass, MAILBOX_PASS_COOKIE, MAILBOX_PASS_TTL_MS, mailboxPassFrom } from "@/server/domain/dev-mailbox/pass";
import { markEmailVerified, signUpAndSignIn, TEST_PASSWORD, uniqueEmail } from "../helpers/auth";
import { drainJobs } from "../helpers/jobs";
import { MINUTE_MS } from "@/lib/time";

const SECRET = process.env.BETTER_AUTH_SECRET!;
// Several real sign-ups (password hashing) and job runs per test: slow on a loaded machine.
const SLOW = { timeout: 60_000 };

const viewer = (over: Partial<MailboxViewer>): MailboxViewer => ({ mode: "own", sessionUserId: null, passCookie: undefined, secret: SECRET, ...over });
const accessOf = (over: Partial<MailboxViewer>) => resolveMailboxAccess(prisma, viewer(over));
const mailTo = (to: string) => prisma.devMailboxMessage.findMany({ where: { to }, orderBy: { createdAt: "asc" } });
const idsOf = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

/** me.signUp over "HTTP": the response headers it set (the sign-up pass cookie, if any) and whether it answered. */
async function signUpThroughHttp(email: string) {
  const resHeaders = new Headers();
  const caller = createCaller(await createTRPCContext({ headers: new Headers(), session: null, resHeaders }));
  const outcome = await caller.me
    .signUp({ name: "Pat Pass", email, password: TEST_PASSWORD, consents: { terms: true, marketingEmails: false }, locale: "en" })
    .then(
      () => "answered" as const,
      () => "refused" as const,
    );
  await drainJobs(prisma);
  return { outcome, setCookies: resHeaders.getSetCookie(), pass: mailboxPassFrom(new Headers({ cookie: resHeaders.getSetCookie().map((c) => c.split(";")[0]).join("; ") })) };
}

/** A verified, signed-in user whose verification mail has been delivered. */
async function member(opts: { name?: string } = {}) {
  const user = await signUpAndSignIn(opts);
  await drainJobs(prisma);
  return user;
}

async function requestMagicLink(email: string) {
  await getAuth().api.signInMagicLink({ body: { email, callbackURL: "/projects" }, headers: new Headers() });
  await drainJobs(prisma);
}

describe("mailboxMode", () => {
  it("is open in development and tests, own-mail-only in a playground production build, off otherwise", () => {
    expect(mailboxMode({ nodeEnv: "development", playground: false, provider: "dev-mailbox" })).toBe("open");
    expect(mailboxMode({ nodeEnv: "test", playground: false, provider: "dev-mailbox" })).toBe("open");
    expect(mailboxMode({ nodeEnv: "production", playground: true, provider: "dev-mailbox" })).toBe("own");
    expect(mailboxMode({ nodeEnv: "production", playground: false, provider: "dev-mailbox" })).toBe("off");
    expect(mailboxMode({ nodeEnv: "development", playground: true, provider: "resend" })).toBe("off");
  });
});

describe("playground mailbox (own mail only)", SLOW, () => {
  it("shows an anonymous visitor nothing, by list, filter or id", async () => {
    const someone = await member();
    await requestMagicLink(someone.email);
    const access = await accessOf({});
    expect(access).toEqual({ kind: "signedOut" });
    expect(await listMailbox(prisma, access)).toEqual([]);
    expect(await listMailbox(prisma, access, { to: someone.email })).toEqual([]);
    expect(await mailTo(someone.email)).toHaveLength(2);
    for (const message of await mailTo(someone.email)) expect(await findMailboxMessage(prisma, access, message.id)).toBeNull();
  });

  it("shows a signed-in visitor their own mail, never another visitor's verification or magic-link mail", async () => {
    const a = await member({ name: "Ann A" });
    const b = await member({ name: "Ben B" });
    await requestMagicLink(b.email);
    const bMail = await mailTo(b.email);
    expect(bMail.map((m) => m.subject).sort()).toEqual(["Verify your email address", "Your sign-in link"]);
    const aMail = await mailTo(a.email);
    expect(aMail).toHaveLength(1);

    const access = await accessOf({ sessionUserId: a.userId });
    expect(idsOf(await listMailbox(prisma, access))).toEqual(idsOf(aMail));
    // The ?to= filter narrows, it never widens.
    expect(await listMailbox(prisma, access, { to: b.email })).toEqual([]);
    expect(await listMailbox(prisma, access, { to: b.email.toUpperCase() })).toEqual([]);
    expect(idsOf(await listMailbox(prisma, access, { to: a.email }))).toEqual(idsOf(aMail));
    // By id: another visitor's message is "not found", exactly like one that does not exist.
    for (const message of bMail) expect(await findMailboxMessage(prisma, access, message.id)).toBeNull();
    expect(await findMailboxMessage(prisma, access, crypto.randomUUID())).toBeNull();
    expect((await findMailboxMessage(prisma, access, aMail[0]!.id))?.subject).toBe("Verify your email address");
  });

  it("gives a signed-in but unverified account only its mail since the account was created", async () => {
    const email = uniqueEmail("unverified");
    const earlier = await prisma.devMailboxMessage.create({
      data: { to: email, from: "x@example.com", subject: "Sent before the account existed", html: "", text: "", createdAt: new Date(Date.now() - 10 * MINUTE_MS) },
    });
    await signUpThroughHttp(email);
    const user = await prisma.user.findUniqueOrThrow({ where: { email } });
    const access = await accessOf({ sessionUserId: user.id });
    expect((await listMailbox(prisma, access)).map((m) => m.subject)).toEqual(["Verify your email address"]);
    expect(await findMailboxMessage(prisma, access, earlier.id)).toBeNull();
    // Verified, the address is theirs: all of its mail.
    await markEmailVerified(user.id);
    expect((await listMailbox(prisma, await accessOf({ sessionUserId: user.id }))).map((m) => m.subject).sort()).toEqual([
      "Sent before the account existed",
      "Verify your email address",
    ]);
  });

  it("stores messages under random (v4) ids, not time-ordered ones", async () => {
    const { email } = await member();
    const [message] = await mailTo(email);
    expect(message!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("the sign-up pass", SLOW, () => {
  it("is issued by a sign-up that created an account, as a short-lived HttpOnly cookie", async () => {
    const { outcome, setCookies, pass } = await signUpThroughHttp(uniqueEmail("fresh"));
    expect(outcome).toBe("answered");
    const cookie = setCookies.find((c) => c.startsWith(`${MAILBOX_PASS_COOKIE}=`));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toContain(`Max-Age=${MAILBOX_PASS_TTL_MS / 1000}`);
    expect(pass).toBeTruthy();
  });

  it("shows that browser the new account's verification mail, and nothing else", async () => {
    const other = await member();
    const email = uniqueEmail("visitor");
    const beforeSignUp = await prisma.devMailboxMessage.create({
      data: { to: email, from: "x@example.com", subject: "You have been invited to a workspace", html: "", text: "", createdAt: new Date(Date.now() - MINUTE_MS) },
    });
    const { pass } = await signUpThroughHttp(email);
    const access = await accessOf({ passCookie: pass });
    const listed = await listMailbox(prisma, access);
    expect(listed.map((m) => [m.to, m.subject])).toEqual([[email, "Verify your email address"]]);
    expect((await findMailboxMessage(prisma, access, listed[0]!.id))?.html).toContain("/api/auth/verify-email");
    // Mail to the address from before the account existed is not the pass holder's.
    expect(await findMailboxMessage(prisma, access, beforeSignUp.id)).toBeNull();
    // Nor is anyone else's.
    expect(await listMailbox(prisma, access, { to: other.email })).toEqual([]);
    expect(await mailTo(other.email)).toHaveLength(1);
    for (const message of await mailTo(other.email)) expect(await findMailboxMessage(prisma, access, message.id)).toBeNull();
    // Later mail to the new account shows up too.
    await requestMagicLink(email);
    expect((await listMailbox(prisma, access)).map((m) => m.subject)).toEqual(["Your sign-in link", "Verify your email address"]);
  });

  it("works only while the account is unverified", async () => {
    const email = uniqueEmail("verifies");
    const { pass } = await signUpThroughHttp(email);
    const user = await prisma.user.findUniqueOrThrow({ where: { email } });
    await markEmailVerified(user.id);
    // A password reset after verification: the pass must not reach it.
    await getAuth().api.requestPasswordReset({ body: { email, redirectTo: "/reset-password" }, headers: new Headers() });
    await drainJobs(prisma);
    expect((await mailTo(email)).map((m) => m.subject)).toContain("Reset your password");
    const access = await accessOf({ passCookie: pass });
    expect(access).toEqual({ kind: "signedOut" });
    for (const message of await mailTo(email)) expect(await findMailboxMessage(prisma, access, message.id)).toBeNull();
  });

  it("expires", async () => {
    const email = uniqueEmail("expires");
    const { pass } = await signUpThroughHttp(email);
    expect((await accessOf({ passCookie: pass, now: new Date(Date.now() + MAILBOX_PASS_TTL_MS - MINUTE_MS) })).kind).toBe("own");
    expect(await accessOf({ passCookie: pass, now: new Date(Date.now() + MAILBOX_PASS_TTL_MS + MINUTE_MS) })).toEqual({ kind: "signedOut" });
  });

  it("is refused when tampered with or signed with another secret", async () => {
    const victim = await member();
    const email = uniqueEmail("tamper");
    const { pass } = await signUpThroughHttp(email);
    const [payload, mac] = pass!.split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { u: string; e: string; x: number };
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, e: victim.email, u: victim.userId })).toString("base64url");
    const flipped = `${payload}.${mac.slice(0, -1)}${mac.endsWith("A") ? "B" : "A"}`;
    for (const cookie of [`${forgedPayload}.${mac}`, flipped, `${payload}.`, payload, `${pass}.x`, "garbage"]) {
      expect(await accessOf({ passCookie: cookie }), cookie).toEqual({ kind: "signedOut" });
    }
    const wrongSecret = createMailboxPass({ userId: victim.userId, email: victim.email, secret: "another-secret-0123456789abcdefghijklmnop" });
    expect(await accessOf({ passCookie: wrongSecret })).toEqual({ kind: "signedOut" });
    // Even a validly signed pass only counts for the account it names, with that account's own address.
    const mismatched = createMailboxPass({ userId: (await prisma.user.findUniqueOrThrow({ where: { email } })).id, email: victim.email, secret: SECRET });
    expect(await accessOf({ passCookie: mismatched })).toEqual({ kind: "signedOut" });
  });

  it("is never issued for an address that already has an account (whatever the sign-up answers)", async () => {
    const existing = await member();
    const unverifiedEmail = uniqueEmail("pending");
    await signUpThroughHttp(unverifiedEmail);
    for (const email of [existing.email, unverifiedEmail, existing.email.toUpperCase()]) {
      const { setCookies } = await signUpThroughHttp(email);
      expect(setCookies.filter((c) => c.startsWith(`${MAILBOX_PASS_COOKIE}=`)), email).toEqual([]);
    }
  });
});

describe("development mailbox (open)", SLOW, () => {
  it("lists every message to anyone, and ?to= narrows it", async () => {
    const a = await member();
    const b = await member();
    const access = await resolveMailboxAccess(prisma, viewer({ mode: "open" }));
    expect(access).toEqual({ kind: "everything" });
    const listed = idsOf(await listMailbox(prisma, access, { take: 500 }));
    for (const message of [...(await mailTo(a.email)), ...(await mailTo(b.email))]) expect(listed).toContain(message.id);
    expect(idsOf(await listMailbox(prisma, access, { to: b.email }))).toEqual(idsOf(await mailTo(b.email)));
    expect(await findMailboxMessage(prisma, access, (await mailTo(b.email))[0]!.id)).not.toBeNull();
  });
});
