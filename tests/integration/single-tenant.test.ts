/**
 * Single-tenant mode (SINGLE_TENANT_MODE=1): one workspace for the install, created once; sign-ups
 * join it (first = owner, then members, seat limits apply) through the real sign-up path; the
 * workspace lifecycle procedures are refused; tenants.current tells the UI.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { DAY_MS } from "@/lib/time";

// src/env.ts parses process.env when first imported: set the mode before any app module loads
// (vi.hoisted runs before the imports below; tests/setup/per-file-db.ts has already run).
vi.hoisted(() => {
  process.env.SINGLE_TENANT_MODE = "1";
  process.env.SINGLE_TENANT_NAME = "Acme Intranet";
});

import { prisma } from "@/server/db/client";
import { plans } from "@/server/domain/plans/plans";
import { assertSignUpSeatAvailable, ensureSingleTenant, isSingleTenantMode, provisionTenantForNewUser } from "@/server/domain/tenancy/single-tenant";
import { anonymousCaller, signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { createBareUser, setPlan } from "../helpers/tenancy";
import { expectTRPCError } from "../helpers/trpc-errors";

let first: SignedInUser;
let second: SignedInUser;

beforeAll(async () => {
  first = await signUpAndSignIn({ name: "First User" });
  second = await signUpAndSignIn({ name: "Second User" });
});

describe("single-tenant mode", () => {
  it("is on for this file", () => {
    expect(isSingleTenantMode()).toBe(true);
  });

  it("sign-ups join the one workspace: the first as owner, later ones as members", async () => {
    expect(await prisma.tenant.count()).toBe(1);
    const tenant = await prisma.tenant.findFirstOrThrow();
    expect(tenant).toMatchObject({ name: "Acme Intranet", plan: "starter", deletedAt: null });
    expect(first.tenantId).toBe(tenant.id);
    expect(second.tenantId).toBe(tenant.id);
    const members = await prisma.tenantMember.findMany({ where: { tenantId: tenant.id }, orderBy: { createdAt: "asc" } });
    expect(members.map((m) => [m.userId, m.role, m.memberType])).toEqual([
      [first.userId, "owner", "member"],
      [second.userId, "member", "member"],
    ]);
    expect(await prisma.auditLog.count({ where: { tenantId: tenant.id, action: "member.joined" } })).toBe(2);
  });

  it("tenants.current says so, so the UI hides tenant switching", async () => {
    expect(await first.caller.tenants.current()).toMatchObject({ id: first.tenantId, role: "owner", singleTenantMode: true });
    expect(await second.caller.tenants.current()).toMatchObject({ role: "member", singleTenantMode: true });
  });

  it("create, leave, delete and restore of workspaces are FORBIDDEN with a clear message; nothing changes", async () => {
    const before = { tenants: await prisma.tenant.findMany(), members: await prisma.tenantMember.count() };
    const create = await expectTRPCError(first.caller.tenants.create({ name: "Second workspace" }), "FORBIDDEN", "FORBIDDEN");
    expect(create.message).toMatch(/single workspace/);
    await expectTRPCError(second.caller.tenants.leave({ tenantId: first.tenantId }), "FORBIDDEN", "FORBIDDEN");
    const { name } = before.tenants[0]!;
    await expectTRPCError(first.caller.tenants.delete({ confirmation: name }), "FORBIDDEN", "FORBIDDEN");
    await expectTRPCError(first.caller.tenants.restore({ tenantId: first.tenantId }), "FORBIDDEN", "FORBIDDEN");
    expect(await prisma.tenant.findMany()).toEqual(before.tenants);
    expect(await prisma.tenantMember.count()).toBe(before.members);
  });

  it("everything else works as usual: rename, members, teams, projects", async () => {
    expect(await first.caller.tenants.rename({ name: "Acme" })).toMatchObject({ name: "Acme" });
    const team = await first.caller.tenants.teams.create({ name: "Everyone" });
    const secondMember = (await first.caller.tenants.members.list()).find((m) => m.userId === second.userId)!;
    await first.caller.tenants.teams.addMember({ teamId: team.id, memberId: secondMember.id });
    expect(await second.caller.projects.create({ name: "Shared" })).toMatchObject({ name: "Shared" });
    expect((await first.caller.projects.list()).map((p) => p.name)).toContain("Shared");
  });

  it("ensureSingleTenant is idempotent, also when raced", async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => ensureSingleTenant(prisma)));
    expect(new Set(results.map((r) => r.tenant.id)).size).toBe(1);
    expect(results.every((r) => r.created === false)).toBe(true);
    expect(await prisma.tenant.count()).toBe(1);
  });

  it("provisioning is idempotent per user, and racing newcomers each get one membership", async () => {
    await setPlan(first.tenantId, "pro"); // room for the racers
    const [a, b] = await Promise.all([createBareUser("Racer A"), createBareUser("Racer B")]);
    const input = (userId: string) => ({ userId, tenantName: "ignored in this mode" });
    const results = await Promise.all([
      provisionTenantForNewUser(prisma, input(a.id)),
      provisionTenantForNewUser(prisma, input(a.id)),
      provisionTenantForNewUser(prisma, input(b.id)),
    ]);
    expect(results.map((r) => r.tenant.id)).toEqual([first.tenantId, first.tenantId, first.tenantId]);
    expect(results.filter((r) => r.created).length).toBe(2);
    const roles = await prisma.tenantMember.findMany({ where: { userId: { in: [a.id, b.id] } }, select: { role: true } });
    expect(roles.map((r) => r.role)).toEqual(["member", "member"]);
    expect(await prisma.tenant.count()).toBe(1);
  });

  it("a newcomer beyond the plan's seats is refused with LIMIT_REACHED and no membership is written", async () => {
    await setPlan(first.tenantId, "starter");
    const used = await prisma.tenantMember.count({ where: { tenantId: first.tenantId, memberType: "member" } });
    expect(used).toBeGreaterThanOrEqual(plans.starter.limits.seats); // 2 sign-ups + 2 racers
    const late = await createBareUser("Too late");
    await expect(provisionTenantForNewUser(prisma, { userId: late.id, tenantName: "x" })).rejects.toMatchObject({ code: "LIMIT_REACHED" });
    expect(await prisma.tenantMember.count({ where: { userId: late.id } })).toBe(0);
    expect(await prisma.tenant.count()).toBe(1);

    // The early check the sign-up path can run before creating the user; invited addresses pass.
    await expect(assertSignUpSeatAvailable(prisma, { email: "someone@example.com" })).rejects.toMatchObject({ code: "LIMIT_REACHED" });
    await prisma.tenantInvitation.create({
      data: { tenantId: first.tenantId, email: "invited@example.com", role: "guest", memberType: "guest", inviterId: first.userId, expiresAt: new Date(Date.now() + DAY_MS) },
    });
    await expect(assertSignUpSeatAvailable(prisma, { email: "Invited@example.com" })).resolves.toBeUndefined();
  });

  it("me.signUp into a full workspace is refused before any account is written", async () => {
    await setPlan(first.tenantId, "starter");
    const anonymous = await anonymousCaller();
    const email = "late-signup@example.com";
    await expectTRPCError(
      anonymous.me.signUp({ name: "Late", email, password: "correct-horse-battery", consents: { terms: true, marketingEmails: false } }),
      "FORBIDDEN",
      "LIMIT_REACHED",
    );
    expect(await prisma.user.count({ where: { email } })).toBe(0);
  });

  it("the seat check is no account oracle: an address with an account gets the answer a new one gets, full or not", async () => {
    const anonymous = await anonymousCaller();
    const input = (email: string) => ({ name: "Again", email, password: "another-password-1", consents: { terms: true as const, marketingEmails: false } });

    await setPlan(first.tenantId, "starter"); // full
    const forExisting = await expectTRPCError(anonymous.me.signUp(input(second.email)), "FORBIDDEN", "LIMIT_REACHED");
    const forNew = await expectTRPCError(anonymous.me.signUp(input("full-newcomer@example.com")), "FORBIDDEN", "LIMIT_REACHED");
    expect(forExisting.message).toBe(forNew.message);

    await setPlan(first.tenantId, "business"); // room again
    await expect(anonymous.me.signUp(input(second.email))).resolves.toEqual({ email: second.email, verificationRequired: true });
    await expect(anonymous.me.signUp(input("room-newcomer@example.com"))).resolves.toEqual({ email: "room-newcomer@example.com", verificationRequired: true });
    // The existing member stays one member; the newcomer joined.
    expect(await prisma.tenantMember.count({ where: { userId: second.userId } })).toBe(1);
    expect(await prisma.tenantMember.count({ where: { user: { email: "room-newcomer@example.com" } } })).toBe(1);
  });
});
