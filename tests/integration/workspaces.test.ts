/**
 * Workspaces (tenants router): create, rename, leave, soft delete with confirmation, the restore
 * window, the deleted list, and what sessions do when their active workspace goes away.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/server/db/client";
import { DAY_MS } from "@/lib/time";
import { TENANT_RESTORE_WINDOW_DAYS } from "@/server/domain/tenancy/defaults";
import { provisionTenantForNewUser } from "@/server/domain/tenancy/single-tenant";
import { callerFor, signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { addBareMember, callerActiveIn, createBareUser, joinTenant } from "../helpers/tenancy";
import { expectTRPCError } from "../helpers/trpc-errors";

let alice: SignedInUser;

beforeAll(async () => {
  alice = await signUpAndSignIn({ name: "Alice" });
});

const auditOf = (tenantId: string, action: string) => prisma.auditLog.findMany({ where: { tenantId, action } });

describe("tenants.create", () => {
  it("creates a workspace on the starter plan in trial, owned by the caller, and makes it active", async () => {
    const user = await signUpAndSignIn({ name: "Creator" });
    const created = await user.caller.tenants.create({ name: "  Second shop  " });
    expect(created).toMatchObject({ name: "Second shop", plan: "starter", billingState: "trial", role: "owner" });
    expect(created.trialEndsAt!.getTime()).toBeGreaterThan(Date.now() + 13 * DAY_MS);
    expect(created.slug).toMatch(/^second-shop-[0-9a-f]{6}$/);

    const members = await prisma.tenantMember.findMany({ where: { tenantId: created.id } });
    expect(members.map((m) => ({ userId: m.userId, role: m.role, memberType: m.memberType }))).toEqual([
      { userId: user.userId, role: "owner", memberType: "member" },
    ]);
    // The session now acts in the new workspace; the user still has the first one.
    const now = await callerFor(user.headers);
    expect(await now.tenants.current()).toMatchObject({ id: created.id, role: "owner", singleTenantMode: false });
    expect((await now.tenants.mine()).map((m) => m.tenantId).sort()).toEqual([user.tenantId, created.id].sort());
    expect(await auditOf(created.id, "tenant.created")).toEqual([
      expect.objectContaining({ actorUserId: user.userId, targetId: created.id }),
    ]);
  });

  it("refuses a blank, over-long or control-character name and writes nothing", async () => {
    const before = await prisma.tenant.count();
    await expectTRPCError(alice.caller.tenants.create({ name: "   " }), "BAD_REQUEST");
    await expectTRPCError(alice.caller.tenants.create({ name: "x".repeat(81) }), "BAD_REQUEST");
    await expectTRPCError(alice.caller.tenants.create({ name: "bad\u0000name" }), "BAD_REQUEST");
    expect(await prisma.tenant.count()).toBe(before);
  });

  it("refuses platform staff (PLATFORM_USER)", async () => {
    const staff = await signUpAndSignIn({ name: "Staff" });
    await prisma.platformRoleAssignment.create({ data: { userId: staff.userId, role: "platform_admin" } });
    const before = await prisma.tenant.count();
    await expectTRPCError(staff.caller.tenants.create({ name: "Staff shop" }), "FORBIDDEN", "PLATFORM_USER");
    expect(await prisma.tenant.count()).toBe(before);
  });

  it("provisionTenantForNewUser gives a personal workspace when single-tenant mode is off", async () => {
    const bare = await createBareUser("Newcomer");
    const first = await provisionTenantForNewUser(prisma, { userId: bare.id, tenantName: "Newcomer's workspace" });
    expect(first).toMatchObject({ created: true, tenant: { name: "Newcomer's workspace", plan: "starter" } });
    const again = await provisionTenantForNewUser(prisma, { userId: bare.id, tenantName: "ignored" });
    expect(again).toMatchObject({ created: false, tenant: { id: first.tenant.id } });
  });
});

describe("tenants.rename", () => {
  it("renames the active workspace, audits old and new names", async () => {
    const owner = await signUpAndSignIn({ name: "Renamer" });
    const before = await prisma.tenant.findUniqueOrThrow({ where: { id: owner.tenantId } });
    const renamed = await owner.caller.tenants.rename({ name: "Renamed Co" });
    expect(renamed).toMatchObject({ id: owner.tenantId, name: "Renamed Co", slug: before.slug });
    const [audit] = await auditOf(owner.tenantId, "tenant.renamed");
    expect(audit).toMatchObject({ actorUserId: owner.userId, metadata: { from: before.name, to: "Renamed Co" } });
  });

  it("needs tenant:update: a member is FORBIDDEN, an admin may", async () => {
    const owner = await signUpAndSignIn({ name: "Boss" });
    const member = await joinTenant(owner.tenantId, { role: "member" });
    const admin = await joinTenant(owner.tenantId, { role: "admin" });
    await expectTRPCError(member.caller.tenants.rename({ name: "Hijacked" }), "FORBIDDEN", "FORBIDDEN");
    expect((await prisma.tenant.findUniqueOrThrow({ where: { id: owner.tenantId } })).name).not.toBe("Hijacked");
    expect(await admin.caller.tenants.rename({ name: "Admin named" })).toMatchObject({ name: "Admin named" });
  });
});

describe("tenants.leave", () => {
  it("a member leaves: membership and team places go, sessions fall back to their own workspace, audited", async () => {
    const owner = await signUpAndSignIn({ name: "Host" });
    const member = await joinTenant(owner.tenantId, { role: "member" });
    const team = await owner.caller.tenants.teams.create({ name: "Leavers" });
    await owner.caller.tenants.teams.addMember({ teamId: team.id, memberId: member.memberId });

    expect(await member.caller.tenants.leave({ tenantId: owner.tenantId })).toEqual({ tenantId: owner.tenantId });
    expect(await prisma.tenantMember.findUnique({ where: { id: member.memberId } })).toBeNull();
    expect(await prisma.teamMember.count({ where: { memberId: member.memberId } })).toBe(0);
    const sessions = await prisma.session.findMany({ where: { userId: member.user.userId } });
    expect(sessions.map((s) => s.activeOrganizationId)).toEqual(sessions.map(() => member.user.tenantId));
    expect(await (await callerFor(member.user.headers)).tenants.current()).toMatchObject({ id: member.user.tenantId });
    expect(await auditOf(owner.tenantId, "member.left")).toEqual([
      expect.objectContaining({ actorUserId: member.user.userId, targetId: member.memberId }),
    ]);
  });

  it("the last owner cannot leave (LAST_OWNER); with a second owner they can", async () => {
    const owner = await signUpAndSignIn({ name: "Sole" });
    await expectTRPCError(owner.caller.tenants.leave({ tenantId: owner.tenantId }), "CONFLICT", "LAST_OWNER");
    expect(await prisma.tenantMember.count({ where: { tenantId: owner.tenantId } })).toBe(1);

    const second = await joinTenant(owner.tenantId, { role: "owner" });
    await owner.caller.tenants.leave({ tenantId: owner.tenantId });
    expect(await prisma.tenantMember.findMany({ where: { tenantId: owner.tenantId }, select: { userId: true, role: true } })).toEqual([
      { userId: second.user.userId, role: "owner" },
    ]);
    // Now the remaining owner is the last one.
    await expectTRPCError(second.caller.tenants.leave({ tenantId: owner.tenantId }), "CONFLICT", "LAST_OWNER");
  });

  it("a workspace the caller is not in (or does not exist) is NOT_FOUND; bad ids are BAD_REQUEST", async () => {
    const other = await signUpAndSignIn({ name: "Other" });
    const before = await prisma.tenantMember.count();
    await expectTRPCError(alice.caller.tenants.leave({ tenantId: other.tenantId }), "NOT_FOUND", "NOT_FOUND");
    await expectTRPCError(alice.caller.tenants.leave({ tenantId: "01970000-0000-7000-8000-000000000000" }), "NOT_FOUND");
    await expectTRPCError(alice.caller.tenants.leave({ tenantId: "not an id!" }), "BAD_REQUEST");
    expect(await prisma.tenantMember.count()).toBe(before);
  });
});

describe("tenants.delete / deleted / restore", () => {
  it("only an owner may delete; the name must be typed exactly; nothing changes otherwise", async () => {
    const owner = await signUpAndSignIn({ name: "Keeper" });
    const admin = await joinTenant(owner.tenantId, { role: "admin" });
    await expectTRPCError(admin.caller.tenants.delete({ confirmation: "anything" }), "FORBIDDEN", "FORBIDDEN");
    const { name } = await prisma.tenant.findUniqueOrThrow({ where: { id: owner.tenantId } });
    await expectTRPCError(owner.caller.tenants.delete({ confirmation: name.toUpperCase() + "x" }), "BAD_REQUEST", "INVALID_INPUT");
    await expectTRPCError(owner.caller.tenants.delete({ confirmation: "" }), "BAD_REQUEST");
    const row = await prisma.tenant.findUniqueOrThrow({ where: { id: owner.tenantId } });
    expect(row).toMatchObject({ deletedAt: null, deletedById: null });
    expect(await auditOf(owner.tenantId, "tenant.deleted")).toEqual([]);
  });

  it("soft-deletes: deleted_at/by set, hidden everywhere, sessions move to another workspace; the owner can restore", async () => {
    const owner = await signUpAndSignIn({ name: "Dana" });
    const shared = await owner.caller.tenants.create({ name: "Doomed Ltd" });
    const ownerInShared = await callerFor(owner.headers);
    const member = await joinTenant(shared.id, { role: "member" });
    await ownerInShared.projects.create({ name: "Kept while deleted" });

    const result = await ownerInShared.tenants.delete({ confirmation: " Doomed Ltd " });
    expect(result.id).toBe(shared.id);
    expect(result.restorableUntil.getTime() - result.deletedAt.getTime()).toBe(TENANT_RESTORE_WINDOW_DAYS * DAY_MS);
    expect(await prisma.tenant.findUniqueOrThrow({ where: { id: shared.id } })).toMatchObject({
      deletedAt: expect.any(Date),
      deletedById: owner.userId,
    });
    // Memberships and data are kept (for the restore), but nobody reaches the workspace any more.
    expect(await prisma.tenantMember.count({ where: { tenantId: shared.id } })).toBe(2);
    expect(await prisma.project.count({ where: { tenantId: shared.id } })).toBe(1);
    for (const u of [owner, member.user]) {
      const sessions = await prisma.session.findMany({ where: { userId: u.userId } });
      expect(sessions.every((s) => s.activeOrganizationId === u.tenantId)).toBe(true);
      const c = await callerFor(u.headers);
      expect(await c.tenants.current()).toMatchObject({ id: u.tenantId });
      expect((await c.tenants.mine()).map((m) => m.tenantId)).not.toContain(shared.id);
      await expectTRPCError(c.tenants.switch({ tenantId: shared.id }), "NOT_FOUND");
    }
    expect(await auditOf(shared.id, "tenant.deleted")).toEqual([expect.objectContaining({ actorUserId: owner.userId })]);

    // The deleted list: the owner sees it, the member does not.
    const ownerNow = await callerFor(owner.headers);
    expect((await ownerNow.tenants.deleted()).map((t) => ({ id: t.id, name: t.name }))).toEqual([{ id: shared.id, name: "Doomed Ltd" }]);
    expect(await (await callerFor(member.user.headers)).tenants.deleted()).toEqual([]);
    // Only an owner restores; to anyone else it does not exist.
    await expectTRPCError((await callerFor(member.user.headers)).tenants.restore({ tenantId: shared.id }), "NOT_FOUND", "NOT_FOUND");
    await expectTRPCError(alice.caller.tenants.restore({ tenantId: shared.id }), "NOT_FOUND");

    const restored = await ownerNow.tenants.restore({ tenantId: shared.id });
    expect(restored).toMatchObject({ id: shared.id, name: "Doomed Ltd" });
    expect(await prisma.tenant.findUniqueOrThrow({ where: { id: shared.id } })).toMatchObject({ deletedAt: null, deletedById: null });
    expect(await auditOf(shared.id, "tenant.restored")).toHaveLength(1);
    expect(await ownerNow.tenants.deleted()).toEqual([]);
    await ownerNow.tenants.switch({ tenantId: shared.id });
    expect((await (await callerFor(owner.headers)).projects.list()).map((p) => p.name)).toEqual(["Kept while deleted"]);
    // A live workspace cannot be "restored".
    await expectTRPCError(ownerNow.tenants.restore({ tenantId: shared.id }), "NOT_FOUND");
  });

  it("after the restore window the workspace is NOT_FOUND and no longer listed", async () => {
    const owner = await signUpAndSignIn({ name: "Late" });
    const t1 = await owner.caller.tenants.create({ name: "Almost gone" });
    const t2 = await owner.caller.tenants.create({ name: "Long gone" });
    const now = Date.now();
    await prisma.tenant.update({ where: { id: t1.id }, data: { deletedAt: new Date(now - (TENANT_RESTORE_WINDOW_DAYS - 1) * DAY_MS), deletedById: owner.userId } });
    await prisma.tenant.update({ where: { id: t2.id }, data: { deletedAt: new Date(now - (TENANT_RESTORE_WINDOW_DAYS + 1) * DAY_MS), deletedById: owner.userId } });
    const c = await callerFor(owner.headers);
    expect((await c.tenants.deleted()).map((t) => t.id)).toEqual([t1.id]);
    await expectTRPCError(c.tenants.restore({ tenantId: t2.id }), "NOT_FOUND", "NOT_FOUND");
    expect((await prisma.tenant.findUniqueOrThrow({ where: { id: t2.id } })).deletedAt).not.toBeNull();
    expect(await c.tenants.restore({ tenantId: t1.id })).toMatchObject({ id: t1.id });
  });

  it("an owner whose only workspace is deleted has no active workspace until they restore or create one", async () => {
    const owner = await signUpAndSignIn({ name: "Solo" });
    const { name } = await prisma.tenant.findUniqueOrThrow({ where: { id: owner.tenantId } });
    await owner.caller.tenants.delete({ confirmation: name });
    expect((await prisma.session.findMany({ where: { userId: owner.userId } })).map((s) => s.activeOrganizationId)).toEqual([null]);
    const c = await callerFor(owner.headers);
    await expectTRPCError(c.tenants.current(), "FORBIDDEN", "NO_ACTIVE_TENANT");
    await c.tenants.restore({ tenantId: owner.tenantId });
    await c.tenants.switch({ tenantId: owner.tenantId });
    expect(await (await callerFor(owner.headers)).tenants.current()).toMatchObject({ id: owner.tenantId });
  });

  it("another owner's session is moved too, and the workspace stays restorable by any of its owners", async () => {
    const owner = await signUpAndSignIn({ name: "First owner" });
    const coOwner = await joinTenant(owner.tenantId, { role: "owner" });
    await addBareMember(owner.tenantId);
    const { name } = await prisma.tenant.findUniqueOrThrow({ where: { id: owner.tenantId } });
    await owner.caller.tenants.delete({ confirmation: name });
    const coSessions = await prisma.session.findMany({ where: { userId: coOwner.user.userId } });
    expect(coSessions.every((s) => s.activeOrganizationId === coOwner.user.tenantId)).toBe(true);
    const co = await callerActiveIn(coOwner.user, coOwner.user.tenantId);
    expect((await co.tenants.deleted()).map((t) => t.id)).toEqual([owner.tenantId]);
    await co.tenants.restore({ tenantId: owner.tenantId });
    expect((await prisma.tenant.findUniqueOrThrow({ where: { id: owner.tenantId } })).deletedAt).toBeNull();
  });
});
