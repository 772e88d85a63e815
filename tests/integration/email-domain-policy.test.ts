/**
 * The email domain policy through the real entry points: me.signUp, Better Auth's own
 * /api/auth/sign-up/email and tenants.invitations.create refuse disposable providers, with this file's
 * overrides (EMAIL_DOMAIN_ALLOWLIST=yopmail.com although listed, EMAIL_DOMAIN_DENYLIST=example.net);
 * a refusal writes nothing, sends nothing and answers the same whether or not the address has an account.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";

// src/env.ts parses process.env when first imported: set the lists before any app module loads.
vi.hoisted(() => {
  process.env.EMAIL_DOMAIN_ALLOWLIST = "yopmail.com";
  process.env.EMAIL_DOMAIN_DENYLIST = "example.net";
});

import { getAuth } from "@/server/auth";
import { prisma } from "@/server/db/client";
import { anonymousCaller, signUpAndSignIn, TEST_PASSWORD, type SignedInUser } from "../helpers/auth";
import { drainJobs } from "../helpers/jobs";
import { setPlan } from "../helpers/tenancy";
import { errorShapeOf, expectTRPCError } from "../helpers/trpc-errors";

const unique = (domain: string) => `user-${Math.random().toString(36).slice(2, 10)}@${domain}`;

const REFUSED = ["mailinator.com", "inbox.mailinator.com", "10minutemail.com", "guerrillamail.com", "example.net", "eu.example.net"];

async function meSignUp(email: string) {
  return (await anonymousCaller()).me.signUp({ name: "Dee Sposable", email, password: TEST_PASSWORD, consents: { terms: true }, locale: "en" });
}

function httpSignUp(email: string): Promise<Response> {
  return getAuth().handler(
    new Request("http://localhost:3000/api/auth/sign-up/email", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://localhost:3000" },
      body: JSON.stringify({ name: "Dee Sposable", email, password: TEST_PASSWORD }),
    }),
  );
}

const counts = async () => ({
  users: await prisma.user.count(),
  invitations: await prisma.tenantInvitation.count(),
  queued: await prisma.notificationOutbox.count(),
});

let owner: SignedInUser;

beforeAll(async () => {
  owner = await signUpAndSignIn({ name: "Olivia Owner" });
  await setPlan(owner.tenantId, "business");
});

describe("me.signUp", () => {
  it.each(REFUSED)("refuses an address at %s with BAD_REQUEST / EMAIL_DOMAIN_NOT_ALLOWED and writes nothing", async (domain) => {
    const before = await counts();
    const error = await expectTRPCError(meSignUp(unique(domain)), "BAD_REQUEST", "EMAIL_DOMAIN_NOT_ALLOWED");
    expect(errorShapeOf(error).data.appCode).toBe("EMAIL_DOMAIN_NOT_ALLOWED");
    expect(await counts()).toEqual(before);
  });

  it("accepts an allowlisted provider although it is on the disposable list, and ordinary domains", async () => {
    for (const email of [unique("yopmail.com"), unique("example.com"), unique("example.net.example.org")]) {
      await expect(meSignUp(email)).resolves.toEqual({ email, verificationRequired: true });
      expect(await prisma.user.count({ where: { email } })).toBe(1);
    }
  });

  it("answers an address at a refused domain the same whether or not it already has an account", async () => {
    // An account from before the domain was refused (or created by staff): no oracle through the refusal.
    const existing = unique("mailinator.com");
    await prisma.user.create({ data: { id: `legacy-${Date.now()}`, name: "Legacy", email: existing } });
    const forExisting = await expectTRPCError(meSignUp(existing), "BAD_REQUEST", "EMAIL_DOMAIN_NOT_ALLOWED");
    const forNew = await expectTRPCError(meSignUp(unique("mailinator.com")), "BAD_REQUEST", "EMAIL_DOMAIN_NOT_ALLOWED");
    expect(forExisting.message).toBe(forNew.message);
    await drainJobs(prisma);
    expect(await prisma.devMailboxMessage.count({ where: { to: existing } })).toBe(0);
  });
});

describe("Better Auth's /api/auth/sign-up/email", () => {
  it("refuses a disposable or denied address with 400 EMAIL_DOMAIN_NOT_ALLOWED and writes nothing", async () => {
    for (const domain of REFUSED) {
      const email = unique(domain);
      const before = await counts();
      const response = await httpSignUp(email);
      expect(response.status, domain).toBe(400);
      expect(await response.json()).toMatchObject({ code: "EMAIL_DOMAIN_NOT_ALLOWED" });
      expect(await counts()).toEqual(before);
    }
  });

  it("accepts an allowlisted provider", async () => {
    const email = unique("yopmail.com");
    const response = await httpSignUp(email);
    expect(response.status).toBe(200);
    expect(await prisma.user.count({ where: { email } })).toBe(1);
  });
});

describe("tenants.invitations.create", () => {
  it.each(REFUSED)("refuses an address at %s with BAD_REQUEST / EMAIL_DOMAIN_NOT_ALLOWED: no invitation, no mail", async (domain) => {
    const email = unique(domain);
    const before = await counts();
    await expectTRPCError(owner.caller.tenants.invitations.create({ email, role: "member", memberType: "member" }), "BAD_REQUEST", "EMAIL_DOMAIN_NOT_ALLOWED");
    expect(await counts()).toEqual(before);
    expect(await prisma.tenantInvitation.count({ where: { email } })).toBe(0);
  });

  it("invites an allowlisted provider's address", async () => {
    const email = unique("yopmail.com");
    await expect(owner.caller.tenants.invitations.create({ email, role: "member", memberType: "member" })).resolves.toMatchObject({ email, status: "pending" });
    expect(await prisma.tenantInvitation.count({ where: { email } })).toBe(1);
  });
});
