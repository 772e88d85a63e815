/**
 * Invitations (issue 3 item 3, journeys 2 and 3), against this file's own PostgreSQL database:
 * tenants.invitations.create / list / resend / revoke / get / accept, the email in the dev mailbox,
 * and sign-up / sign-in with an invited address through the real Better Auth API and its hooks.
 */
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { getAuth } from "@/server/auth";
import { prisma } from "@/server/db/client";
import { INVITATION_EXPIRY_DAYS } from "@/server/domain/tenancy/defaults";
import { acceptPendingInvitationsForUser } from "@/server/domain/tenancy/invitations/accept-invitation";
import { maskEmail } from "@/server/domain/tenancy/invitations/rules";
import {
  anonymousCaller,
  callerFor,
  cookieHeaderFrom,
  markEmailVerified,
  signIn,
  signUp,
  signUpAndSignIn,
  uniqueEmail,
  type Caller,
  type SignedInUser,
} from "../helpers/auth";
import { addBareMember, joinTenant, setPlan } from "../helpers/tenancy";
import { callProcedure } from "../helpers/procedures";
import { expectTRPCError, httpStatusOf } from "../helpers/trpc-errors";
import { drainJobs } from "../helpers/jobs";
import { DAY_MS } from "@/lib/time";

let owner: SignedInUser; // owner of `tenantId`, on the business plan so seats never get in the way
let tenantId: string;
let tenantName: string;

beforeAll(async () => {
  owner = await signUpAndSignIn({ name: "Olivia Owner" });
  tenantId = owner.tenantId;
  await setPlan(tenantId, "business");
  tenantName = (await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).name;
});

async function mailsTo(to: string) {
  await drainJobs(prisma);
  return prisma.devMailboxMessage.findMany({ where: { to: to.toLowerCase() }, orderBy: { createdAt: "asc" } });
}

/** Which send each mail is: the notify key of its outbox row (the mail's own key is the outbox id). */
async function sendKeysOf(mails: { idempotencyKey: string | null }[]) {
  const rows = await prisma.notificationOutbox.findMany({ where: { id: { in: mails.map((m) => m.idempotencyKey ?? "") } } });
  const byId = new Map(rows.map((r) => [r.id, r.idempotencyKey.replace(/:email:.*$/, "")]));
  return mails.map((m) => byId.get(m.idempotencyKey ?? ""));
}

async function invitationMailsTo(to: string) {
  await drainJobs(prisma);
  return prisma.devMailboxMessage.findMany({
    where: { to: to.toLowerCase(), tags: { path: ["template"], equals: "invitation" } },
    orderBy: { createdAt: "asc" },
  });
}

/** The verification link in the mails to `to`, as the user would click it. */
async function verificationLinkFor(to: string): Promise<string> {
  for (const mail of (await mailsTo(to)).reverse()) {
    const href = mail.html.match(/href="([^"]*\/api\/auth\/verify-email\?[^"]*)"/)?.[1];
    if (href) return href.replaceAll("&amp;", "&");
  }
  throw new Error(`No verification link in the mails to ${to}`);
}

/** Follows the verification link through Better Auth's handler; returns the signed-in session's headers. */
async function verifyByLink(email: string): Promise<Headers> {
  const response = await getAuth().handler(new Request(await verificationLinkFor(email)));
  expect(response.status).toBe(302);
  const cookie = cookieHeaderFrom(response.headers);
  expect(cookie).toMatch(/better-auth\.session_token=[^;]+/);
  return new Headers({ cookie });
}

async function invite(caller: Caller, input: { email: string; role?: string; memberType?: "member" | "guest"; locale?: "en" | "de" }) {
  return caller.tenants.invitations.create({ role: "member", memberType: "member", ...input });
}

/** A tenant of its own (starter plan: 3 seats, 2 guests) with its owner. */
async function freshTenant(name = "Fresh Owner") {
  return signUpAndSignIn({ name });
}

async function counts(where: { tenantId: string }) {
  return {
    invitations: await prisma.tenantInvitation.count({ where }),
    members: await prisma.tenantMember.count({ where }),
    audit: await prisma.auditLog.count({ where }),
  };
}

describe("tenants.invitations.create", () => {
  it("creates a pending invitation, audits it and emails an accept link naming the tenant and the inviter", async () => {
    const email = uniqueEmail("invitee");
    const before = Date.now();
    const created = await invite(owner.caller, { email: email.toUpperCase(), role: "admin" });

    expect(created).toMatchObject({ email, role: "admin", memberType: "member", status: "pending", sendCount: 1, emailSent: true, refreshed: false });
    const row = await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({ tenantId, email, inviterId: owner.userId, status: "pending", acceptedAt: null, acceptedById: null });
    const ttl = row.expiresAt.getTime() - before;
    expect(INVITATION_EXPIRY_DAYS).toBe(7);
    expect(ttl).toBeGreaterThan(7 * DAY_MS - 60_000);
    expect(ttl).toBeLessThan(7 * DAY_MS + 60_000);

    const audit = await prisma.auditLog.findMany({ where: { tenantId, targetId: created.id } });
    expect(audit).toEqual([
      expect.objectContaining({ action: "invitation.created", actorUserId: owner.userId, targetType: "invitation", metadata: { role: "admin", memberType: "member" } }),
    ]);

    const mails = await mailsTo(email);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    const acceptUrl = `http://localhost:3000/invitations/${created.id}`;
    expect(mail).toMatchObject({
      subject: "You have been invited to a workspace",
      tags: { template: "invitation", locale: "en" },
    });
    expect(await sendKeysOf([mail])).toEqual([`invitation:${created.id}:1`]);
    expect(mail.html).toContain(`href="${acceptUrl}"`);
    expect(mail.text).toContain(acceptUrl);
    expect(mail.text).toContain(`Olivia Owner has invited you to join the workspace ${tenantName} as admin.`);
    expect(mail.text).toContain("expires in 7 days");
  });

  it("sends the email in the requested locale with a localised accept link", async () => {
    const email = uniqueEmail("de");
    const created = await invite(owner.caller, { email, role: "guest", memberType: "guest", locale: "de" });
    const [mail] = await mailsTo(email);
    expect(mail).toMatchObject({ subject: "Sie wurden in einen Arbeitsbereich eingeladen", tags: { template: "invitation", locale: "de" } });
    expect(mail!.html).toContain(`href="http://localhost:3000/de/invitations/${created.id}"`);
    expect(mail!.text).toContain(`Olivia Owner hat Sie eingeladen, dem Arbeitsbereich ${tenantName} als Gast beizutreten.`);
    expect(mail!.text).toContain("Als Gast");
  });

  it("refuses invalid emails with BAD_REQUEST and writes nothing", async () => {
    const before = await counts({ tenantId });
    const mailsBefore = await prisma.devMailboxMessage.count();
    for (const email of ["not-an-email", "", "   ", "a@b", "two@@example.com", "spaces in@example.com", `${"x".repeat(250)}@example.com`, "nul\u0000@example.com"]) {
      await expectTRPCError(invite(owner.caller, { email }), "BAD_REQUEST");
    }
    // @ts-expect-error memberType is member or guest
    await expectTRPCError(invite(owner.caller, { email: uniqueEmail(), memberType: "admin" }), "BAD_REQUEST");
    expect(await counts({ tenantId })).toEqual(before);
    await drainJobs(prisma);
    expect(await prisma.devMailboxMessage.count()).toBe(mailsBefore);
  });

  it("refuses unknown roles (and another tenant's custom role) with BAD_REQUEST / INVALID_INPUT", async () => {
    const other = await freshTenant("Other Roles");
    await prisma.iamRole.create({ data: { tenantId: other.tenantId, key: "elsewhere", name: "Elsewhere", permissions: ["project:read"] } });
    const before = await counts({ tenantId });
    for (const role of ["superuser", "Owner", "elsewhere", "", "x".repeat(65)]) {
      await expectTRPCError(invite(owner.caller, { email: uniqueEmail("role"), role }), "BAD_REQUEST");
    }
    await expectTRPCError(invite(owner.caller, { email: uniqueEmail("role"), role: "superuser" }), "BAD_REQUEST", "INVALID_INPUT");
    expect(await counts({ tenantId })).toEqual(before);
  });

  it("accepts the tenant's own custom roles, for members and guests", async () => {
    await prisma.iamRole.create({ data: { tenantId, key: "reviewer", name: "Reviewer", permissions: ["project:read", "tenant:read"] } });
    const asMember = await invite(owner.caller, { email: uniqueEmail("reviewer"), role: "reviewer" });
    expect(asMember).toMatchObject({ role: "reviewer", memberType: "member" });
    const guestEmail = uniqueEmail("reviewer-guest");
    const asGuest = await invite(owner.caller, { email: guestEmail, role: "reviewer", memberType: "guest" });
    expect(asGuest).toMatchObject({ role: "reviewer", memberType: "guest" });
    // The email names the custom role by its name.
    expect((await mailsTo(guestEmail))[0]!.text).toContain("as Reviewer.");
  });

  it("gives guests only the guest role or a custom role", async () => {
    for (const role of ["owner", "admin", "member"]) {
      await expectTRPCError(invite(owner.caller, { email: uniqueEmail("guest"), role, memberType: "guest" }), "BAD_REQUEST", "INVALID_INPUT");
    }
    expect(await invite(owner.caller, { email: uniqueEmail("guest"), role: "guest", memberType: "guest" })).toMatchObject({ status: "pending" });
  });

  it("lets only owners invite owners, and nobody hand out permissions they lack", async () => {
    const admin = await joinTenant(tenantId, { role: "admin", name: "Adam Admin" });
    await expectTRPCError(invite(admin.caller, { email: uniqueEmail("owner"), role: "owner" }), "FORBIDDEN", "FORBIDDEN");
    expect(await invite(admin.caller, { email: uniqueEmail("admin"), role: "admin" })).toMatchObject({ role: "admin" });

    // A custom role that may invite but not read billing cannot invite a member (members read billing).
    await prisma.iamRole.create({
      data: { tenantId, key: "recruiter", name: "Recruiter", permissions: ["tenant:read", "project:read", "project:update", "member:read", "member:invite"] },
    });
    const recruiter = await joinTenant(tenantId, { role: "recruiter", name: "Rita Recruiter" });
    await expectTRPCError(invite(recruiter.caller, { email: uniqueEmail("m"), role: "member" }), "FORBIDDEN", "FORBIDDEN");
    expect(await invite(recruiter.caller, { email: uniqueEmail("g"), role: "guest", memberType: "guest" })).toMatchObject({ role: "guest" });

    expect(await invite(owner.caller, { email: uniqueEmail("co-owner"), role: "owner" })).toMatchObject({ role: "owner" });
  });

  it("refuses members and guests (no member:invite) with FORBIDDEN", async () => {
    const member = await joinTenant(tenantId, { role: "member", name: "Mia Member" });
    const guest = await joinTenant(tenantId, { role: "guest", memberType: "guest", name: "Gus Guest" });
    const before = await counts({ tenantId });
    for (const caller of [member.caller, guest.caller]) {
      await expectTRPCError(invite(caller, { email: uniqueEmail("nope"), role: "guest", memberType: "guest" }), "FORBIDDEN", "FORBIDDEN");
    }
    const pending = await invite(owner.caller, { email: uniqueEmail("target") });
    for (const caller of [member.caller, guest.caller]) {
      await expectTRPCError(caller.tenants.invitations.resend({ id: pending.id }), "FORBIDDEN", "FORBIDDEN");
      await expectTRPCError(caller.tenants.invitations.revoke({ id: pending.id }), "FORBIDDEN", "FORBIDDEN");
    }
    // Members may see the list (member:read); guests may not.
    expect((await member.caller.tenants.invitations.list()).map((i) => i.id)).toContain(pending.id);
    await expectTRPCError(guest.caller.tenants.invitations.list(), "FORBIDDEN", "FORBIDDEN");
    expect(await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({ status: "pending", sendCount: 1 });
    expect((await counts({ tenantId })).members).toBe(before.members);
  });

  it("refuses to invite an existing member (any letter case) with CONFLICT / ALREADY_MEMBER", async () => {
    const member = await joinTenant(tenantId, { role: "member", name: "Existing Member" });
    const before = await counts({ tenantId });
    await expectTRPCError(invite(owner.caller, { email: member.user.email }), "CONFLICT", "ALREADY_MEMBER");
    await expectTRPCError(invite(owner.caller, { email: member.user.email.toUpperCase() }), "CONFLICT", "ALREADY_MEMBER");
    await expectTRPCError(invite(owner.caller, { email: owner.email }), "CONFLICT", "ALREADY_MEMBER");
    expect(await counts({ tenantId })).toEqual(before);
    expect(await invitationMailsTo(member.user.email)).toHaveLength(0);
  });

  it("refreshes the pending invitation instead of making a second one; mails again only after the cooldown", async () => {
    const email = uniqueEmail("again");
    const first = await invite(owner.caller, { email, role: "member" });
    const again = await invite(owner.caller, { email, role: "admin" });
    expect(again).toMatchObject({ id: first.id, role: "admin", refreshed: true, emailSent: false, sendCount: 1 });
    expect(await invitationMailsTo(email)).toHaveLength(1);

    await prisma.tenantInvitation.update({ where: { id: first.id }, data: { lastSentAt: new Date(Date.now() - 120_000) } });
    const third = await invite(owner.caller, { email, role: "member" });
    expect(third).toMatchObject({ id: first.id, role: "member", refreshed: true, emailSent: true, sendCount: 2 });
    expect(await sendKeysOf(await invitationMailsTo(email))).toEqual([`invitation:${first.id}:1`, `invitation:${first.id}:2`]);
    expect(await prisma.tenantInvitation.count({ where: { tenantId, email } })).toBe(1);
    expect((await prisma.auditLog.findMany({ where: { targetId: first.id }, orderBy: { createdAt: "asc" } })).map((a) => a.action)).toEqual([
      "invitation.created",
      "invitation.refreshed",
      "invitation.refreshed",
    ]);
  });

  it("makes one invitation when the same address is invited concurrently", async () => {
    const email = uniqueEmail("race");
    const results = await Promise.all(Array.from({ length: 5 }, () => invite(owner.caller, { email })));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => !r.refreshed)).toHaveLength(1);
    expect(await prisma.tenantInvitation.count({ where: { tenantId, email } })).toBe(1);
    expect(await invitationMailsTo(email)).toHaveLength(1);
  });

  it("invites again after an invitation expired (a new one) and counts pending invitations against the seats", async () => {
    const small = await freshTenant("Small Owner"); // starter: 3 seats (owner + 2), 2 guests
    const a = await invite(small.caller, { email: uniqueEmail("seat-a") });
    await invite(small.caller, { email: uniqueEmail("seat-b") });
    const before = await counts({ tenantId: small.tenantId });
    await expectTRPCError(invite(small.caller, { email: uniqueEmail("seat-c") }), "FORBIDDEN", "LIMIT_REACHED");
    expect(await counts({ tenantId: small.tenantId })).toEqual(before);
    // Guests have their own limit.
    await invite(small.caller, { email: uniqueEmail("guest-a"), role: "guest", memberType: "guest" });
    await invite(small.caller, { email: uniqueEmail("guest-b"), role: "guest", memberType: "guest" });
    await expectTRPCError(invite(small.caller, { email: uniqueEmail("guest-c"), role: "guest", memberType: "guest" }), "FORBIDDEN", "LIMIT_REACHED");
    // Refreshing an invitation does not need a second seat.
    expect(await invite(small.caller, { email: a.email, role: "admin" })).toMatchObject({ id: a.id, role: "admin" });
    // An expired invitation frees its seat; inviting the address again makes a new invitation.
    await prisma.tenantInvitation.update({ where: { id: a.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const renewed = await invite(small.caller, { email: a.email });
    expect(renewed.id).not.toBe(a.id);
    expect(renewed).toMatchObject({ status: "pending", refreshed: false });
  });
});

describe("tenants.invitations.list / resend / revoke", () => {
  it("lists pending, expired, accepted and revoked invitations of the active tenant only, with computed status", async () => {
    const other = await freshTenant("List Other");
    const foreign = await invite(other.caller, { email: uniqueEmail("foreign") });
    const pending = await invite(owner.caller, { email: uniqueEmail("l-pending") });
    const expired = await invite(owner.caller, { email: uniqueEmail("l-expired") });
    await prisma.tenantInvitation.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const revoked = await invite(owner.caller, { email: uniqueEmail("l-revoked") });
    await owner.caller.tenants.invitations.revoke({ id: revoked.id });
    const acceptedUser = await signUpAndSignIn({ name: "Listed Acceptor" });
    const accepted = await invite(owner.caller, { email: acceptedUser.email });
    await acceptedUser.caller.tenants.invitations.accept({ id: accepted.id });
    const ancient = await invite(owner.caller, { email: uniqueEmail("l-ancient") });
    await prisma.tenantInvitation.update({ where: { id: ancient.id }, data: { expiresAt: new Date(Date.now() - 60 * DAY_MS) } });

    const list = await owner.caller.tenants.invitations.list();
    const byId = new Map(list.map((i) => [i.id, i]));
    expect(byId.get(pending.id)).toMatchObject({ status: "pending", email: pending.email, role: "member", inviter: { id: owner.userId, name: "Olivia Owner" } });
    expect(byId.get(expired.id)).toMatchObject({ status: "expired" });
    expect(byId.get(revoked.id)).toMatchObject({ status: "revoked" });
    expect(byId.get(accepted.id)).toMatchObject({ status: "accepted", acceptedAt: expect.any(Date) });
    expect(byId.has(ancient.id)).toBe(false); // expired long ago: out of the list
    expect(byId.has(foreign.id)).toBe(false);
    expect(list.every((i) => ["pending", "expired", "accepted", "revoked"].includes(i.status))).toBe(true);
    expect((await other.caller.tenants.invitations.list()).map((i) => i.id)).toEqual([foreign.id]);
  });

  it("resend mails again, bumps send_count and last_sent_at and restarts the expiry", async () => {
    const email = uniqueEmail("resend");
    const created = await invite(owner.caller, { email });
    await expectTRPCError(owner.caller.tenants.invitations.resend({ id: created.id }), "TOO_MANY_REQUESTS", "RATE_LIMITED");

    const sentLongAgo = new Date(Date.now() - 3 * DAY_MS);
    await prisma.tenantInvitation.update({
      where: { id: created.id },
      data: { lastSentAt: sentLongAgo, expiresAt: new Date(Date.now() + DAY_MS) },
    });
    const before = Date.now();
    const resent = await owner.caller.tenants.invitations.resend({ id: created.id, locale: "de" });
    expect(resent).toMatchObject({ id: created.id, sendCount: 2, status: "pending" });
    const row = await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.lastSentAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(row.expiresAt.getTime() - before).toBeGreaterThan(7 * DAY_MS - 60_000);
    const mails = await invitationMailsTo(email);
    expect(await sendKeysOf(mails)).toEqual([`invitation:${created.id}:1`, `invitation:${created.id}:2`]);
    expect(mails[1]!.html).toContain(`/de/invitations/${created.id}`);
    expect(await prisma.auditLog.count({ where: { targetId: created.id, action: "invitation.resent" } })).toBe(1);
  });

  it("resend refuses expired, revoked and accepted invitations (INVITATION_INVALID) and other tenants' (NOT_FOUND)", async () => {
    const expired = await invite(owner.caller, { email: uniqueEmail("r-expired") });
    await prisma.tenantInvitation.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000), lastSentAt: new Date(0) } });
    await expectTRPCError(owner.caller.tenants.invitations.resend({ id: expired.id }), "BAD_REQUEST", "INVITATION_INVALID");

    const revoked = await invite(owner.caller, { email: uniqueEmail("r-revoked") });
    await owner.caller.tenants.invitations.revoke({ id: revoked.id });
    await expectTRPCError(owner.caller.tenants.invitations.resend({ id: revoked.id }), "BAD_REQUEST", "INVITATION_INVALID");

    const other = await freshTenant("Resend Other");
    const foreign = await invite(other.caller, { email: uniqueEmail("r-foreign") });
    await prisma.tenantInvitation.update({ where: { id: foreign.id }, data: { lastSentAt: new Date(0) } });
    await expectTRPCError(owner.caller.tenants.invitations.resend({ id: foreign.id }), "NOT_FOUND", "NOT_FOUND");
    await expectTRPCError(owner.caller.tenants.invitations.resend({ id: "01970000-0000-7000-8000-000000000000" }), "NOT_FOUND");
    expect(await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: foreign.id } })).toMatchObject({ sendCount: 1 });
    expect(await invitationMailsTo(foreign.email)).toHaveLength(1);
  });

  it("revoke marks a pending invitation revoked; the link then stops working", async () => {
    const invitee = await signUpAndSignIn({ name: "Revoked Invitee" });
    const created = await invite(owner.caller, { email: invitee.email });
    expect(await owner.caller.tenants.invitations.revoke({ id: created.id })).toEqual({ id: created.id, status: "revoked" });
    const row = await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.status).toBe("revoked");
    expect(row.expiresAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await prisma.auditLog.count({ where: { targetId: created.id, action: "invitation.revoked", actorUserId: owner.userId } })).toBe(1);

    await expectTRPCError(owner.caller.tenants.invitations.revoke({ id: created.id }), "BAD_REQUEST", "INVITATION_INVALID");
    await expectTRPCError(invitee.caller.tenants.invitations.accept({ id: created.id }), "BAD_REQUEST", "INVITATION_INVALID");
    expect(await prisma.tenantMember.count({ where: { tenantId, userId: invitee.userId } })).toBe(0);
    expect(await (await anonymousCaller()).tenants.invitations.get({ id: created.id })).toMatchObject({ status: "revoked" });
  });

  it("revoke cannot touch another tenant's invitation", async () => {
    const other = await freshTenant("Revoke Other");
    const foreign = await invite(other.caller, { email: uniqueEmail("v-foreign") });
    await expectTRPCError(owner.caller.tenants.invitations.revoke({ id: foreign.id }), "NOT_FOUND", "NOT_FOUND");
    expect(await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: foreign.id } })).toMatchObject({ status: "pending" });
  });
});

describe("tenants.invitations.get (the accept page)", () => {
  it("shows anyone holding the link only the tenant, inviter, role, member type, masked address and status", async () => {
    const email = uniqueEmail("preview");
    const created = await invite(owner.caller, { email, role: "guest", memberType: "guest" });
    const preview = await (await anonymousCaller()).tenants.invitations.get({ id: created.id });
    expect(preview).toEqual({
      tenantName,
      inviterName: "Olivia Owner",
      role: "guest",
      roleName: null,
      memberType: "guest",
      email: maskEmail(email),
      status: "pending",
      forYou: null,
    });
    expect(preview.email).toMatch(/^p\*\*\*@example\.com$/);
    expect(JSON.stringify(preview)).not.toContain(email);
    expect(JSON.stringify(preview)).not.toContain(tenantId);

    // Signed in: says whether the invitation is for this account.
    expect((await owner.caller.tenants.invitations.get({ id: created.id })).forYou).toBe(false);
    await prisma.tenantInvitation.update({ where: { id: created.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await (await anonymousCaller()).tenants.invitations.get({ id: created.id })).status).toBe("expired");
  });

  it("is NOT_FOUND for unknown ids and BAD_REQUEST for malformed ones", async () => {
    const anonymous = await anonymousCaller();
    await expectTRPCError(anonymous.tenants.invitations.get({ id: "01970000-0000-7000-8000-000000000000" }), "NOT_FOUND", "NOT_FOUND");
    await expectTRPCError(anonymous.tenants.invitations.get({ id: "../../etc/passwd" }), "BAD_REQUEST");
  });
});

describe("tenants.invitations.accept", () => {
  it("makes a verified user with the invited address a member with the invited role, and switches the session to the tenant", async () => {
    const invitee = await signUpAndSignIn({ name: "Ivy Invitee" });
    await prisma.iamRole.upsert({
      where: { tenantId_key: { tenantId, key: "reviewer" } },
      create: { tenantId, key: "reviewer", name: "Reviewer", permissions: ["project:read", "tenant:read"] },
      update: {},
    });
    const created = await invite(owner.caller, { email: invitee.email, role: "reviewer", memberType: "guest" });
    expect((await invitee.caller.tenants.invitations.get({ id: created.id })).forYou).toBe(true);

    const result = await invitee.caller.tenants.invitations.accept({ id: created.id });
    expect(result).toMatchObject({ tenantId, role: "reviewer", memberType: "guest", alreadyMember: false });

    const members = await prisma.tenantMember.findMany({ where: { tenantId, userId: invitee.userId } });
    expect(members).toEqual([expect.objectContaining({ role: "reviewer", memberType: "guest" })]);
    const row = await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({ status: "accepted", acceptedById: invitee.userId, acceptedAt: expect.any(Date) });
    const actions = (await prisma.auditLog.findMany({ where: { tenantId, actorUserId: invitee.userId } })).map((a) => a.action).sort();
    expect(actions).toEqual(["invitation.accepted", "member.joined"]);

    // The session now acts in the invited tenant.
    const now = await callerFor(invitee.headers);
    expect(await now.tenants.current()).toMatchObject({ id: tenantId, role: "reviewer", memberType: "guest" });
    // Their own tenant is still theirs.
    expect((await now.tenants.mine()).map((m) => m.tenantId).sort()).toEqual([invitee.tenantId, tenantId].sort());
  });

  it("refuses a user whose address is not the invited one with INVITATION_INVALID and writes nothing", async () => {
    const stranger = await signUpAndSignIn({ name: "Stranger" });
    const created = await invite(owner.caller, { email: uniqueEmail("intended") });
    const before = await counts({ tenantId });
    const error = await expectTRPCError(stranger.caller.tenants.invitations.accept({ id: created.id }), "BAD_REQUEST", "INVITATION_INVALID");
    expect(error.message).toContain(maskEmail(created.email));
    expect(await counts({ tenantId })).toEqual(before);
    expect(await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ status: "pending" });
    expect((await prisma.session.findMany({ where: { userId: stranger.userId } })).every((s) => s.activeOrganizationId === stranger.tenantId)).toBe(true);
  });

  it("refuses a user whose address is not verified", async () => {
    const invitee = await signUpAndSignIn({ name: "Unverified Later" });
    const created = await invite(owner.caller, { email: invitee.email });
    await prisma.user.update({ where: { id: invitee.userId }, data: { emailVerified: false } });
    await expectTRPCError((await callerFor(invitee.headers)).tenants.invitations.accept({ id: created.id }), "FORBIDDEN", "EMAIL_NOT_VERIFIED");
    expect(await prisma.tenantMember.count({ where: { tenantId, userId: invitee.userId } })).toBe(0);
    await markEmailVerified(invitee.userId);
  });

  it("refuses expired and unknown invitations", async () => {
    const invitee = await signUpAndSignIn({ name: "Late Invitee" });
    const created = await invite(owner.caller, { email: invitee.email });
    await prisma.tenantInvitation.update({ where: { id: created.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expectTRPCError(invitee.caller.tenants.invitations.accept({ id: created.id }), "BAD_REQUEST", "INVITATION_INVALID");
    await expectTRPCError(invitee.caller.tenants.invitations.accept({ id: "01970000-0000-7000-8000-000000000000" }), "NOT_FOUND", "NOT_FOUND");
    expect(await prisma.tenantMember.count({ where: { tenantId, userId: invitee.userId } })).toBe(0);
    expect(await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ status: "pending", acceptedAt: null });
  });

  it("accepting twice answers with the same membership; another user cannot reuse an accepted invitation", async () => {
    const invitee = await signUpAndSignIn({ name: "Double Clicker" });
    const created = await invite(owner.caller, { email: invitee.email, role: "admin" });
    const first = await invitee.caller.tenants.invitations.accept({ id: created.id });
    const second = await invitee.caller.tenants.invitations.accept({ id: created.id });
    expect(second).toEqual({ ...first, alreadyMember: true });
    expect(await prisma.tenantMember.count({ where: { tenantId, userId: invitee.userId } })).toBe(1);
    expect(await prisma.auditLog.count({ where: { targetId: created.id, action: "invitation.accepted" } })).toBe(1);

    const other = await signUpAndSignIn({ name: "Latecomer" });
    await expectTRPCError(other.caller.tenants.invitations.accept({ id: created.id }), "BAD_REQUEST", "INVITATION_INVALID");
  });

  it("racing accepts of one invitation make one membership", async () => {
    const invitee = await signUpAndSignIn({ name: "Racer" });
    const created = await invite(owner.caller, { email: invitee.email });
    const callers = await Promise.all(Array.from({ length: 5 }, () => callerFor(invitee.headers)));
    const results = await Promise.all(callers.map((c) => c.tenants.invitations.accept({ id: created.id })));
    expect(results.every((r) => r.tenantId === tenantId)).toBe(true);
    expect(results.filter((r) => !r.alreadyMember)).toHaveLength(1);
    expect(new Set(results.map((r) => r.memberId)).size).toBe(1);
    expect(await prisma.tenantMember.count({ where: { tenantId, userId: invitee.userId } })).toBe(1);
    expect(await prisma.auditLog.count({ where: { targetId: created.id, action: "invitation.accepted" } })).toBe(1);
  });

  it("a user who is already a member keeps their membership; the invitation is marked accepted", async () => {
    const invitee = await signUpAndSignIn({ name: "Already Here" });
    const created = await invite(owner.caller, { email: invitee.email, role: "admin" });
    await prisma.tenantMember.create({ data: { tenantId, userId: invitee.userId, role: "member" } });
    const result = await invitee.caller.tenants.invitations.accept({ id: created.id });
    expect(result).toMatchObject({ tenantId, role: "member", alreadyMember: true });
    expect(await prisma.tenantMember.findMany({ where: { tenantId, userId: invitee.userId } })).toEqual([expect.objectContaining({ role: "member" })]);
    expect(await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ status: "accepted", acceptedById: invitee.userId });
  });

  it("checks the seat limit again at acceptance", async () => {
    const small = await freshTenant("Full Owner"); // starter: 3 seats
    const invitee = await signUpAndSignIn({ name: "No Seat" });
    const created = await invite(small.caller, { email: invitee.email });
    // The tenant fills up after the invitation was sent.
    await addBareMember(small.tenantId);
    await addBareMember(small.tenantId);
    const before = await counts({ tenantId: small.tenantId });
    await expectTRPCError(invitee.caller.tenants.invitations.accept({ id: created.id }), "FORBIDDEN", "LIMIT_REACHED");
    expect(await counts({ tenantId: small.tenantId })).toEqual(before);
    expect(await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ status: "pending" });
    // A guest invitation still fits the guest seats.
    const guest = await signUpAndSignIn({ name: "Guest Seat" });
    await prisma.tenantInvitation.create({
      data: { tenantId: small.tenantId, email: guest.email, role: "guest", memberType: "guest", inviterId: small.userId, expiresAt: new Date(Date.now() + DAY_MS) },
    });
    const guestInvitation = await prisma.tenantInvitation.findFirstOrThrow({ where: { email: guest.email } });
    expect(await guest.caller.tenants.invitations.accept({ id: guestInvitation.id })).toMatchObject({ memberType: "guest" });
  });

  it("racing accepts of different invitations cannot overfill the last seat", async () => {
    const small = await freshTenant("Last Seat Owner"); // owner + 2 seats
    const [a, b] = await Promise.all([signUpAndSignIn({ name: "Seat A" }), signUpAndSignIn({ name: "Seat B" })]);
    const ia = await invite(small.caller, { email: a.email });
    const ib = await invite(small.caller, { email: b.email });
    await addBareMember(small.tenantId); // one seat left for two acceptances
    const outcomes = await Promise.allSettled([
      a.caller.tenants.invitations.accept({ id: ia.id }),
      b.caller.tenants.invitations.accept({ id: ib.id }),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect(await prisma.tenantMember.count({ where: { tenantId: small.tenantId } })).toBe(3);
  });
});

describe("sign-up and sign-in with an invited address (journeys 2 and 3)", () => {
  it("sign up -> verify by the emailed link -> one membership in the inviting tenant, no tenant of their own", async () => {
    const email = uniqueEmail("journey2");
    const created = await invite(owner.caller, { email, role: "guest", memberType: "guest" });
    const tenantsBefore = await prisma.tenant.count();

    // The invitation email is in the dev mailbox with its accept link.
    const [invitationMail] = await invitationMailsTo(email);
    expect(invitationMail!.html).toContain(`href="http://localhost:3000/invitations/${created.id}"`);

    const { userId } = await signUp({ email, name: "Jules Journey", marketingEmails: true });
    // Before the address is proven: no membership anywhere, no tenant, the invitation untouched.
    expect(await prisma.tenantMember.count({ where: { userId } })).toBe(0);
    expect(await prisma.tenant.count()).toBe(tenantsBefore);
    expect(await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ status: "pending" });
    // Consents are recorded even though no tenant was provisioned.
    expect((await prisma.userPrivacyConsent.findMany({ where: { userId } })).map((c) => c.purpose).sort()).toEqual([
      "marketing_emails",
      "privacy_policy",
      "terms",
    ]);

    const headers = await verifyByLink(email);

    const memberships = await prisma.tenantMember.findMany({ where: { userId } });
    expect(memberships).toEqual([expect.objectContaining({ tenantId, role: "guest", memberType: "guest" })]);
    expect(await prisma.tenantMember.count({ where: { userId, role: "owner" } })).toBe(0);
    expect(await prisma.tenant.count()).toBe(tenantsBefore);
    expect(await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({
      status: "accepted",
      acceptedById: userId,
      acceptedAt: expect.any(Date),
    });
    expect(await prisma.auditLog.count({ where: { tenantId, actorUserId: userId, action: "invitation.accepted" } })).toBe(1);

    const me = await (await callerFor(headers)).me.get();
    expect(me.activeTenantId).toBe(tenantId);
    expect(await (await callerFor(headers)).tenants.current()).toMatchObject({ id: tenantId, role: "guest", memberType: "guest" });

    // Signing in again creates nothing more.
    await signIn(email);
    expect(await prisma.tenantMember.count({ where: { userId } })).toBe(1);
    expect(await prisma.tenant.count()).toBe(tenantsBefore);
  });

  it("accepts every pending invitation of the address; the newest invited tenant is active", async () => {
    const second = await freshTenant("Second Inviter");
    const email = uniqueEmail("two-invites");
    await invite(owner.caller, { email, role: "member" });
    await invite(second.caller, { email, role: "admin" });
    const { userId } = await signUp({ email });
    const headers = await verifyByLink(email);
    const memberships = await prisma.tenantMember.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
    expect(memberships.map((m) => ({ tenantId: m.tenantId, role: m.role }))).toEqual([
      { tenantId, role: "member" },
      { tenantId: second.tenantId, role: "admin" },
    ]);
    expect((await (await callerFor(headers)).me.get()).activeTenantId).toBe(second.tenantId);
  });

  it("an unverified sign-up cannot claim the invitation: no session, no membership", async () => {
    const email = uniqueEmail("unproven");
    const created = await invite(owner.caller, { email });
    const { userId } = await signUp({ email, name: "Claimer" });
    await expect(signIn(email)).rejects.toMatchObject({ status: "FORBIDDEN" });
    // Even a direct call of the sign-in acceptance does nothing for an unverified address.
    expect(await acceptPendingInvitationsForUser(prisma, { userId })).toEqual([]);
    expect(await prisma.tenantMember.count({ where: { userId } })).toBe(0);
    expect(await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ status: "pending" });
  });

  it("expired or revoked invitations are ignored at sign-up: the user gets a personal tenant", async () => {
    const expiredEmail = uniqueEmail("exp-signup");
    const expired = await invite(owner.caller, { email: expiredEmail });
    await prisma.tenantInvitation.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const revokedEmail = uniqueEmail("rev-signup");
    const revoked = await invite(owner.caller, { email: revokedEmail });
    await owner.caller.tenants.invitations.revoke({ id: revoked.id });

    for (const email of [expiredEmail, revokedEmail]) {
      const { userId } = await signUp({ email });
      const owned = await prisma.tenantMember.findMany({ where: { userId } });
      expect(owned).toEqual([expect.objectContaining({ role: "owner" })]);
      expect(owned[0]!.tenantId).not.toBe(tenantId);
      await verifyByLink(email);
      expect(await prisma.tenantMember.count({ where: { userId } })).toBe(1);
      expect(await prisma.tenantMember.count({ where: { userId, tenantId } })).toBe(0);
    }
    expect(await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: expired.id } })).toMatchObject({ status: "pending", acceptedAt: null });
  });

  it("an invitation revoked between sign-up and verification leaves the user with a personal tenant at first session", async () => {
    const email = uniqueEmail("rev-later");
    const created = await invite(owner.caller, { email });
    const { userId } = await signUp({ email, name: "Rev Later" });
    expect(await prisma.tenantMember.count({ where: { userId } })).toBe(0);
    await owner.caller.tenants.invitations.revoke({ id: created.id });
    const headers = await verifyByLink(email);
    const memberships = await prisma.tenantMember.findMany({ where: { userId } });
    expect(memberships).toEqual([expect.objectContaining({ role: "owner" })]);
    expect(memberships[0]!.tenantId).not.toBe(tenantId);
    expect((await (await callerFor(headers)).me.get()).activeTenantId).toBe(memberships[0]!.tenantId);
  });

  it("if the inviting tenant is full at first session, the invitation stays pending and the user gets a personal tenant", async () => {
    const small = await freshTenant("Crowded Owner");
    const email = uniqueEmail("crowded");
    const created = await invite(small.caller, { email });
    const { userId } = await signUp({ email });
    await addBareMember(small.tenantId);
    await addBareMember(small.tenantId);
    await verifyByLink(email);
    expect(await prisma.tenantMember.count({ where: { userId, tenantId: small.tenantId } })).toBe(0);
    expect(await prisma.tenantMember.findMany({ where: { userId } })).toEqual([expect.objectContaining({ role: "owner" })]);
    expect(await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ status: "pending" });
  });

  it("an existing user signing in with an invited address joins the tenant, which becomes active", async () => {
    const existing = await signUpAndSignIn({ name: "Returning User" });
    const created = await invite(owner.caller, { email: existing.email, role: "admin" });
    const headers = await signIn(existing.email);
    expect(await prisma.tenantMember.findMany({ where: { userId: existing.userId }, orderBy: { createdAt: "asc" } })).toEqual([
      expect.objectContaining({ tenantId: existing.tenantId, role: "owner" }),
      expect.objectContaining({ tenantId, role: "admin" }),
    ]);
    expect(await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ status: "accepted", acceptedById: existing.userId });
    expect((await (await callerFor(headers)).me.get()).activeTenantId).toBe(tenantId);
    // Later sign-ins start in the first tenant again (no invitation left to accept).
    const later = await signIn(existing.email);
    expect((await (await callerFor(later)).me.get()).activeTenantId).toBe(existing.tenantId);
  });

  it("platform staff never join a tenant by invitation", async () => {
    const staff = await signUpAndSignIn({ name: "Staff Person" });
    await prisma.tenantMember.deleteMany({ where: { userId: staff.userId } });
    await prisma.platformRoleAssignment.create({ data: { userId: staff.userId, role: "platform_admin" } });
    const created = await prisma.tenantInvitation.create({
      data: { tenantId, email: staff.email, role: "member", inviterId: owner.userId, expiresAt: new Date(Date.now() + DAY_MS) },
    });
    await signIn(staff.email);
    expect(await prisma.tenantMember.count({ where: { userId: staff.userId } })).toBe(0);
    await expectTRPCError((await callerFor(staff.headers)).tenants.invitations.accept({ id: created.id }), "FORBIDDEN", "PLATFORM_USER");
  });
});

describe("acceptPendingInvitationsForUser", () => {
  it("skips, not throws, on an invitation it cannot honour", async () => {
    const user = await signUpAndSignIn({ name: "Skipper" });
    await prisma.tenantInvitation.create({
      data: { tenantId, email: user.email, role: "deleted-role", inviterId: owner.userId, expiresAt: new Date(Date.now() + DAY_MS) },
    });
    await expect(acceptPendingInvitationsForUser(prisma, { userId: user.userId })).resolves.toEqual([]);
    expect(await prisma.tenantMember.count({ where: { tenantId, userId: user.userId } })).toBe(0);
  });
});

describe("hostile input", () => {
  it("every invitations procedure answers garbage with a 4xx, never a 500, and changes nothing", { timeout: 60_000 }, async () => {
    const pending = await invite(owner.caller, { email: uniqueEmail("fuzz-target") });
    const before = await counts({ tenantId });
    const values: unknown[] = [
      undefined, null, 0, -1, Number.NaN, true, "", " ", "x", "a".repeat(100_000), "\u0000", "\uD800 lone", "'; DROP TABLE users; --",
      "../../etc/passwd", "🙂".repeat(50), {}, [], { nested: { deeply: ["x"] } }, new Date(0), 10n, "01970000-0000-7000-8000-000000000000",
    ];
    const base: Record<string, Record<string, unknown>> = {
      create: { email: uniqueEmail("fuzz"), role: "member", memberType: "member", locale: "en" },
      resend: { id: pending.id, locale: "en" },
      revoke: { id: "01970000-0000-7000-8000-000000000000" },
      get: { id: pending.id },
      accept: { id: pending.id },
    };
    const problems: string[] = [];
    for (const [name, good] of Object.entries(base)) {
      const inputs: unknown[] = [...values];
      for (const key of Object.keys(good)) for (const v of values) inputs.push({ ...good, [key]: v });
      for (const caller of [owner.caller, await anonymousCaller()]) {
        for (const input of inputs) {
          try {
            await callProcedure(caller, `tenants.invitations.${name}`, input);
          } catch (error) {
            if (!(error instanceof TRPCError)) problems.push(`${name}: threw ${String(error)}`);
            else if (httpStatusOf(error) >= 500) problems.push(`${name}: ${error.code} ${error.message.slice(0, 200)}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    // Only `create` with a plausible body could have written (one fresh address, at most one invitation).
    const after = await counts({ tenantId });
    expect(after.members).toBe(before.members);
    expect(after.invitations - before.invitations).toBeLessThanOrEqual(1);
    expect(await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({ status: "pending" });
  });
});
