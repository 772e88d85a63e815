/**
 * Members of a workspace (tenants.members): list, changeRole, remove, with the owner rules, the guest
 * rule, the "no more than you hold" rule and seat limits.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/server/db/client";
import { plans } from "@/server/domain/plans/plans";
import { callerFor, signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { addBareMember, joinTenant, setPlan, type TenantMemberFixture } from "../helpers/tenancy";
import { expectTRPCError } from "../helpers/trpc-errors";

let owner: SignedInUser;
let stranger: SignedInUser;
let ownerMemberId: string;

beforeAll(async () => {
  [owner, stranger] = await Promise.all([signUpAndSignIn({ name: "Olive Owner" }), signUpAndSignIn({ name: "Stranger" })]);
  ownerMemberId = (await prisma.tenantMember.findFirstOrThrow({ where: { tenantId: owner.tenantId, userId: owner.userId } })).id;
  await setPlan(owner.tenantId, "business"); // room for the many members below; seat tests use their own tenants
});

const membershipsOf = (tenantId: string) =>
  prisma.tenantMember.findMany({ where: { tenantId }, orderBy: { id: "asc" }, select: { id: true, userId: true, role: true, memberType: true } });

describe("tenants.members.list", () => {
  it("lists name, email, role, member type, teams and join date, oldest first", async () => {
    const admin = await joinTenant(owner.tenantId, { role: "admin", name: "Adam Admin" });
    const team = await owner.caller.tenants.teams.create({ name: "Listers" });
    await owner.caller.tenants.teams.addMember({ teamId: team.id, memberId: admin.memberId });

    const list = await admin.caller.tenants.members.list();
    expect(list[0]).toEqual({
      id: ownerMemberId,
      userId: owner.userId,
      name: "Olive Owner",
      email: owner.email,
      role: "owner",
      memberType: "member",
      teams: [],
      joinedAt: expect.any(Date),
    });
    expect(list.find((m) => m.id === admin.memberId)).toMatchObject({
      name: "Adam Admin",
      email: admin.user.email,
      role: "admin",
      teams: [{ id: team.id, name: "Listers" }],
    });
    expect(new Set(list.map((m) => m.id))).toEqual(new Set((await membershipsOf(owner.tenantId)).map((m) => m.id)));
    // Nobody of another tenant.
    expect(list.map((m) => m.userId)).not.toContain(stranger.userId);
  });

  it("needs member:read: a guest is FORBIDDEN", async () => {
    const guest = await joinTenant(owner.tenantId, { role: "guest", memberType: "guest" });
    await expectTRPCError(guest.caller.tenants.members.list(), "FORBIDDEN", "FORBIDDEN");
  });
});

describe("tenants.members.changeRole", () => {
  let admin: TenantMemberFixture;
  beforeAll(async () => {
    admin = await joinTenant(owner.tenantId, { role: "admin" });
  });

  it("changes a role (built-in or this tenant's custom role) and audits it", async () => {
    const target = await addBareMember(owner.tenantId);
    expect(await admin.caller.tenants.members.changeRole({ memberId: target.memberId, role: "admin" })).toEqual({
      id: target.memberId,
      role: "admin",
      memberType: "member",
    });
    const custom = await owner.caller.iamRoles.create({ name: "Reviewer", permissions: ["project:read"] });
    await owner.caller.tenants.members.changeRole({ memberId: target.memberId, role: custom.key });
    expect((await prisma.tenantMember.findUniqueOrThrow({ where: { id: target.memberId } })).role).toBe(custom.key);
    const audits = await prisma.auditLog.findMany({ where: { targetId: target.memberId, action: "member.role_changed" }, orderBy: { createdAt: "asc" } });
    expect(audits.map((a) => [a.actorUserId, a.metadata])).toEqual([
      [admin.user.userId, { userId: target.userId, from: { role: "member", memberType: "member" }, to: { role: "admin", memberType: "member" } }],
      [owner.userId, { userId: target.userId, from: { role: "admin", memberType: "member" }, to: { role: custom.key, memberType: "member" } }],
    ]);
  });

  it("refuses unknown roles, another tenant's custom role, and malformed input, changing nothing", async () => {
    const target = await addBareMember(owner.tenantId);
    const theirs = await stranger.caller.iamRoles.create({ name: "Their role", permissions: [] });
    const before = await membershipsOf(owner.tenantId);
    await expectTRPCError(owner.caller.tenants.members.changeRole({ memberId: target.memberId, role: "superuser" }), "BAD_REQUEST", "INVALID_INPUT");
    await expectTRPCError(owner.caller.tenants.members.changeRole({ memberId: target.memberId, role: theirs.key }), "BAD_REQUEST", "INVALID_INPUT");
    await expectTRPCError(owner.caller.tenants.members.changeRole({ memberId: target.memberId, role: "" }), "BAD_REQUEST");
    await expectTRPCError(owner.caller.tenants.members.changeRole({ memberId: "nope", role: "admin" }), "BAD_REQUEST");
    await expectTRPCError(
      owner.caller.tenants.members.changeRole({ memberId: target.memberId, role: "admin", memberType: "robot" as "guest" }),
      "BAD_REQUEST",
    );
    expect(await membershipsOf(owner.tenantId)).toEqual(before);
  });

  it("a member of another tenant, or an unknown id, is NOT_FOUND", async () => {
    const theirMember = await prisma.tenantMember.findFirstOrThrow({ where: { tenantId: stranger.tenantId } });
    await expectTRPCError(owner.caller.tenants.members.changeRole({ memberId: theirMember.id, role: "member" }), "NOT_FOUND", "NOT_FOUND");
    await expectTRPCError(owner.caller.tenants.members.changeRole({ memberId: "01970000-0000-7000-8000-000000000000", role: "member" }), "NOT_FOUND");
    expect((await prisma.tenantMember.findUniqueOrThrow({ where: { id: theirMember.id } })).role).toBe("owner");
  });

  it("only an owner grants or revokes ownership", async () => {
    const target = await addBareMember(owner.tenantId);
    await expectTRPCError(admin.caller.tenants.members.changeRole({ memberId: target.memberId, role: "owner" }), "FORBIDDEN", "FORBIDDEN");
    await expectTRPCError(admin.caller.tenants.members.changeRole({ memberId: admin.memberId, role: "owner" }), "FORBIDDEN", "FORBIDDEN");
    await owner.caller.tenants.members.changeRole({ memberId: target.memberId, role: "owner" });
    // Two owners now: an admin still cannot demote one.
    await expectTRPCError(admin.caller.tenants.members.changeRole({ memberId: target.memberId, role: "member" }), "FORBIDDEN", "FORBIDDEN");
    expect((await prisma.tenantMember.findUniqueOrThrow({ where: { id: target.memberId } })).role).toBe("owner");
    await owner.caller.tenants.members.changeRole({ memberId: target.memberId, role: "member" });
    expect((await prisma.tenantMember.findUniqueOrThrow({ where: { id: target.memberId } })).role).toBe("member");
  });

  it("the last owner cannot be demoted (LAST_OWNER), not even by themselves", async () => {
    const solo = await signUpAndSignIn({ name: "Solo" });
    const soloMemberId = (await prisma.tenantMember.findFirstOrThrow({ where: { tenantId: solo.tenantId } })).id;
    const soloAdmin = await joinTenant(solo.tenantId, { role: "admin" });
    await expectTRPCError(solo.caller.tenants.members.changeRole({ memberId: soloMemberId, role: "admin" }), "CONFLICT", "LAST_OWNER");
    await expectTRPCError(soloAdmin.caller.tenants.members.changeRole({ memberId: soloMemberId, role: "member" }), "CONFLICT", "LAST_OWNER");
    expect((await prisma.tenantMember.findUniqueOrThrow({ where: { id: soloMemberId } })).role).toBe("owner");
    expect(await prisma.auditLog.count({ where: { tenantId: solo.tenantId, action: "member.role_changed" } })).toBe(0);
  });

  it("a guest keeps the guest role or a custom one; other built-in roles need memberType member as well", async () => {
    const guest = await addBareMember(owner.tenantId, { role: "guest", memberType: "guest" });
    for (const role of ["member", "admin", "owner"]) {
      await expectTRPCError(owner.caller.tenants.members.changeRole({ memberId: guest.memberId, role }), "BAD_REQUEST", "INVALID_INPUT");
    }
    const helper = await owner.caller.iamRoles.create({ name: "Guest helper", permissions: ["project:read", "member:read"] });
    expect(await owner.caller.tenants.members.changeRole({ memberId: guest.memberId, role: helper.key })).toMatchObject({ memberType: "guest" });
    expect(await owner.caller.tenants.members.changeRole({ memberId: guest.memberId, role: "member", memberType: "member" })).toEqual({
      id: guest.memberId,
      role: "member",
      memberType: "member",
    });
    // And back: a member made a guest must take a role a guest may hold.
    await expectTRPCError(owner.caller.tenants.members.changeRole({ memberId: guest.memberId, role: "member", memberType: "guest" }), "BAD_REQUEST", "INVALID_INPUT");
    expect(await owner.caller.tenants.members.changeRole({ memberId: guest.memberId, role: "guest", memberType: "guest" })).toMatchObject({
      role: "guest",
      memberType: "guest",
    });
  });

  it("a non-owner cannot give, or take away, more than they hold themselves", async () => {
    const peopleManager = await owner.caller.iamRoles.create({ name: "People manager", permissions: ["member:read", "member:update"] });
    const manager = await joinTenant(owner.tenantId, { role: peopleManager.key });
    const nobody = await owner.caller.iamRoles.create({ name: "Nobody", permissions: [] });
    const target = await addBareMember(owner.tenantId, { role: nobody.key });
    // Someone holding a permission the manager lacks (project:update) cannot be changed by them.
    const projectGuest = await addBareMember(owner.tenantId, { role: "guest", memberType: "guest" });
    await expectTRPCError(manager.caller.tenants.members.changeRole({ memberId: projectGuest.memberId, role: nobody.key }), "FORBIDDEN", "FORBIDDEN");
    await expectTRPCError(manager.caller.tenants.members.changeRole({ memberId: target.memberId, role: "admin" }), "FORBIDDEN", "FORBIDDEN");
    await expectTRPCError(manager.caller.tenants.members.changeRole({ memberId: target.memberId, role: "member" }), "FORBIDDEN", "FORBIDDEN");
    await expectTRPCError(manager.caller.tenants.members.changeRole({ memberId: admin.memberId, role: "guest" }), "FORBIDDEN", "FORBIDDEN");
    // Within their own permissions it works: the role they hold themselves.
    expect(await manager.caller.tenants.members.changeRole({ memberId: target.memberId, role: peopleManager.key })).toMatchObject({
      role: peopleManager.key,
    });
    expect((await prisma.tenantMember.findUniqueOrThrow({ where: { id: admin.memberId } })).role).toBe("admin");
  });

  it("needs member:update: a member is FORBIDDEN", async () => {
    const member = await joinTenant(owner.tenantId, { role: "member" });
    const target = await addBareMember(owner.tenantId, { role: "guest", memberType: "guest" });
    await expectTRPCError(member.caller.tenants.members.changeRole({ memberId: target.memberId, role: "guest" }), "FORBIDDEN", "FORBIDDEN");
  });
});

describe("seat limits", () => {
  it("turning a guest into a member needs a free member seat (LIMIT_REACHED, nothing written)", async () => {
    const small = await signUpAndSignIn({ name: "Small shop" }); // starter plan
    const seats = plans.starter.limits.seats;
    for (let i = 1; i < seats; i++) await addBareMember(small.tenantId);
    const guest = await addBareMember(small.tenantId, { role: "guest", memberType: "guest" });
    const before = await membershipsOf(small.tenantId);
    const auditBefore = await prisma.auditLog.count({ where: { tenantId: small.tenantId } });

    const error = await expectTRPCError(
      small.caller.tenants.members.changeRole({ memberId: guest.memberId, role: "member", memberType: "member" }),
      "FORBIDDEN",
      "LIMIT_REACHED",
    );
    expect(error.message).toMatch(new RegExp(`allows ${seats} members`));
    expect(await membershipsOf(small.tenantId)).toEqual(before);
    expect(await prisma.auditLog.count({ where: { tenantId: small.tenantId } })).toBe(auditBefore);

    // A member turned guest needs a guest seat the same way.
    for (let i = 1; i < plans.starter.limits.guests; i++) await addBareMember(small.tenantId, { role: "guest", memberType: "guest" });
    const member = before.find((m) => m.role === "member")!;
    await expectTRPCError(
      small.caller.tenants.members.changeRole({ memberId: member.id, role: "guest", memberType: "guest" }),
      "FORBIDDEN",
      "LIMIT_REACHED",
    );
    // Free a seat: then it works.
    await small.caller.tenants.members.remove({ memberId: member.id });
    expect(await small.caller.tenants.members.changeRole({ memberId: guest.memberId, role: "member", memberType: "member" })).toMatchObject({
      memberType: "member",
    });
  });

  it("two racing promotions cannot both take the last seat", async () => {
    const shop = await signUpAndSignIn({ name: "Race shop" });
    for (let i = 2; i < plans.starter.limits.seats; i++) await addBareMember(shop.tenantId);
    const g1 = await addBareMember(shop.tenantId, { role: "guest", memberType: "guest" });
    const g2 = await addBareMember(shop.tenantId, { role: "guest", memberType: "guest" });
    const results = await Promise.allSettled([
      shop.caller.tenants.members.changeRole({ memberId: g1.memberId, role: "member", memberType: "member" }),
      shop.caller.tenants.members.changeRole({ memberId: g2.memberId, role: "member", memberType: "member" }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(await prisma.tenantMember.count({ where: { tenantId: shop.tenantId, memberType: "member" } })).toBe(plans.starter.limits.seats);
  });
});

describe("tenants.members.remove", () => {
  it("removes a member: membership and team places gone, their sessions move, audited", async () => {
    const victim = await joinTenant(owner.tenantId, { role: "member" });
    const team = await owner.caller.tenants.teams.create({ name: "Removal squad" });
    await owner.caller.tenants.teams.addMember({ teamId: team.id, memberId: victim.memberId });

    expect(await owner.caller.tenants.members.remove({ memberId: victim.memberId })).toEqual({ id: victim.memberId });
    expect(await prisma.tenantMember.findUnique({ where: { id: victim.memberId } })).toBeNull();
    expect(await prisma.teamMember.count({ where: { memberId: victim.memberId } })).toBe(0);
    const sessions = await prisma.session.findMany({ where: { userId: victim.user.userId } });
    expect(sessions.every((s) => s.activeOrganizationId === victim.user.tenantId)).toBe(true);
    const now = await callerFor(victim.user.headers);
    expect(await now.tenants.current()).toMatchObject({ id: victim.user.tenantId });
    expect(await prisma.auditLog.findFirst({ where: { targetId: victim.memberId, action: "member.removed" } })).toMatchObject({
      actorUserId: owner.userId,
      tenantId: owner.tenantId,
    });
  });

  it("removing yourself is leave (BAD_REQUEST); the last owner cannot be removed (LAST_OWNER)", async () => {
    await expectTRPCError(owner.caller.tenants.members.remove({ memberId: ownerMemberId }), "BAD_REQUEST", "INVALID_INPUT");
    const solo = await signUpAndSignIn({ name: "Lonely owner" });
    const soloMemberId = (await prisma.tenantMember.findFirstOrThrow({ where: { tenantId: solo.tenantId } })).id;
    const admin = await joinTenant(solo.tenantId, { role: "admin" });
    await expectTRPCError(admin.caller.tenants.members.remove({ memberId: soloMemberId }), "CONFLICT", "LAST_OWNER");
    expect(await prisma.tenantMember.findUnique({ where: { id: soloMemberId } })).not.toBeNull();
  });

  it("only an owner removes an owner; a non-owner cannot remove someone holding more than they do", async () => {
    const coOwner = await addBareMember(owner.tenantId, { role: "owner" });
    const admin = await joinTenant(owner.tenantId, { role: "admin" });
    await expectTRPCError(admin.caller.tenants.members.remove({ memberId: coOwner.memberId }), "FORBIDDEN", "FORBIDDEN");
    const remover = await owner.caller.iamRoles.create({ name: "Remover", permissions: ["member:read", "member:remove"] });
    const custom = await joinTenant(owner.tenantId, { role: remover.key });
    await expectTRPCError(custom.caller.tenants.members.remove({ memberId: admin.memberId }), "FORBIDDEN", "FORBIDDEN");
    const guest = await addBareMember(owner.tenantId, { role: "guest", memberType: "guest" });
    await expectTRPCError(custom.caller.tenants.members.remove({ memberId: guest.memberId }), "FORBIDDEN"); // guests may update projects; Remover may not
    const peer = await addBareMember(owner.tenantId, { role: remover.key });
    expect(await custom.caller.tenants.members.remove({ memberId: peer.memberId })).toEqual({ id: peer.memberId });
    expect(await owner.caller.tenants.members.remove({ memberId: coOwner.memberId })).toEqual({ id: coOwner.memberId });
    expect(await prisma.tenantMember.findUnique({ where: { id: admin.memberId } })).not.toBeNull();
  });

  it("another tenant's member is NOT_FOUND; members without member:remove are FORBIDDEN", async () => {
    const theirs = await prisma.tenantMember.findFirstOrThrow({ where: { tenantId: stranger.tenantId } });
    await expectTRPCError(owner.caller.tenants.members.remove({ memberId: theirs.id }), "NOT_FOUND", "NOT_FOUND");
    expect(await prisma.tenantMember.findUnique({ where: { id: theirs.id } })).not.toBeNull();
    const member = await joinTenant(owner.tenantId, { role: "member" });
    const target = await addBareMember(owner.tenantId, { role: "guest", memberType: "guest" });
    await expectTRPCError(member.caller.tenants.members.remove({ memberId: target.memberId }), "FORBIDDEN", "FORBIDDEN");
    expect(await prisma.tenantMember.findUnique({ where: { id: target.memberId } })).not.toBeNull();
  });
});
