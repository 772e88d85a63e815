/**
 * Custom roles (iamRoles): list built-in + custom roles, create / update / delete with matrix
 * validation, generated keys, owner-only permissions, and the "in use" refusal.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/server/db/client";
import { allPermissions, builtInRoles, rolePermissions } from "@/server/domain/rbac/permissions";
import { callerFor, signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { addBareMember, joinTenant, setPlan } from "../helpers/tenancy";
import { expectTRPCError } from "../helpers/trpc-errors";
import { DAY_MS } from "@/lib/time";

let owner: SignedInUser;
let other: SignedInUser;

beforeAll(async () => {
  [owner, other] = await Promise.all([signUpAndSignIn({ name: "Role owner" }), signUpAndSignIn({ name: "Elsewhere" })]);
  await setPlan(owner.tenantId, "business");
});

const NO_SUCH_ID = "01970000-0000-7000-8000-000000000000";

describe("iamRoles.list", () => {
  it("lists the built-in roles from the matrix, then this tenant's custom roles with member counts", async () => {
    const custom = await owner.caller.iamRoles.create({ name: "Listed", description: "For the list", permissions: ["project:read"] });
    await addBareMember(owner.tenantId, { role: custom.key });
    await other.caller.iamRoles.create({ name: "Not listed here", permissions: [] });

    const list = await owner.caller.iamRoles.list();
    expect(list.slice(0, builtInRoles.length).map((r) => ({ key: r.key, builtIn: r.builtIn, permissions: r.permissions, id: r.id }))).toEqual(
      builtInRoles.map((role) => ({ key: role, builtIn: true, permissions: [...rolePermissions[role]], id: null })),
    );
    expect(list.find((r) => r.key === "owner")!.memberCount).toBe(1);
    expect(list.find((r) => r.key === custom.key)).toEqual({
      id: custom.id,
      key: custom.key,
      name: "Listed",
      description: "For the list",
      builtIn: false,
      permissions: ["project:read", "tenant:read"],
      memberCount: 1,
    });
    expect(list.map((r) => r.name)).not.toContain("Not listed here");
  });

  it("needs role:read: members may, guests may not", async () => {
    const member = await joinTenant(owner.tenantId, { role: "member" });
    const guest = await joinTenant(owner.tenantId, { role: "guest", memberType: "guest" });
    expect((await member.caller.iamRoles.list()).length).toBeGreaterThanOrEqual(4);
    await expectTRPCError(guest.caller.iamRoles.list(), "FORBIDDEN", "FORBIDDEN");
  });
});

describe("iamRoles.create", () => {
  it("derives the key from the name, keeps permissions in matrix order with tenant:read, and audits", async () => {
    const role = await owner.caller.iamRoles.create({
      name: "QA Lead",
      description: "Checks releases",
      permissions: ["project:update", "project:read", "project:read"],
    });
    expect(role).toMatchObject({ key: "qa-lead", name: "QA Lead", description: "Checks releases", permissions: ["project:read", "project:update", "tenant:read"] });
    expect(await prisma.iamRole.findUniqueOrThrow({ where: { id: role.id } })).toMatchObject({ tenantId: owner.tenantId, key: "qa-lead" });
    expect(await prisma.auditLog.findFirst({ where: { targetId: role.id, action: "role.created" } })).toMatchObject({
      tenantId: owner.tenantId,
      actorUserId: owner.userId,
    });
    // Same slug, different name: a distinct key. A name slugging to a built-in role never gets that key.
    expect((await owner.caller.iamRoles.create({ name: "QA-lead!", permissions: [] })).key).toBe("qa-lead-2");
    const ownerish = await owner.caller.iamRoles.create({ name: "Owner!", permissions: [] });
    expect(ownerish.key).toBe("owner-2");
    expect((await owner.caller.iamRoles.create({ name: "%%%", permissions: [] })).key).toBe("role");
    // Another tenant may use the same name and gets the same key in its own space.
    expect((await other.caller.iamRoles.create({ name: "QA Lead", permissions: [] })).key).toBe("qa-lead");
  });

  it("refuses unknown permissions and the owner-only tenant:delete (BAD_REQUEST), writing nothing", async () => {
    const before = await prisma.iamRole.count();
    await expectTRPCError(owner.caller.iamRoles.create({ name: "Bad perms", permissions: ["project:fly"] }), "BAD_REQUEST", "INVALID_INPUT");
    await expectTRPCError(owner.caller.iamRoles.create({ name: "Bad perms", permissions: ["admin"] }), "BAD_REQUEST", "INVALID_INPUT");
    const error = await expectTRPCError(
      owner.caller.iamRoles.create({ name: "Deleter", permissions: ["project:read", "tenant:delete"] }),
      "BAD_REQUEST",
      "INVALID_INPUT",
    );
    expect(error.message).toMatch(/tenant:delete/);
    await expectTRPCError(owner.caller.iamRoles.create({ name: "", permissions: [] }), "BAD_REQUEST");
    await expectTRPCError(owner.caller.iamRoles.create({ name: "x".repeat(51), permissions: [] }), "BAD_REQUEST");
    await expectTRPCError(owner.caller.iamRoles.create({ name: "No list", permissions: "project:read" as unknown as string[] }), "BAD_REQUEST");
    expect(await prisma.iamRole.count()).toBe(before);
  });

  it("names are unique per tenant, case-insensitively, built-in names included (CONFLICT)", async () => {
    await owner.caller.iamRoles.create({ name: "Support", permissions: [] });
    await expectTRPCError(owner.caller.iamRoles.create({ name: "Support", permissions: [] }), "CONFLICT", "CONFLICT");
    await expectTRPCError(owner.caller.iamRoles.create({ name: "support", permissions: [] }), "CONFLICT");
    for (const name of ["Admin", "owner", "GUEST", "Member"]) {
      await expectTRPCError(owner.caller.iamRoles.create({ name, permissions: [] }), "CONFLICT");
    }
  });

  it("a non-owner with role:manage cannot create a role holding more than they do; a member cannot create at all", async () => {
    const roleManager = await owner.caller.iamRoles.create({ name: "Role manager", permissions: ["role:read", "role:manage", "project:read"] });
    const rm = await joinTenant(owner.tenantId, { role: roleManager.key });
    await expectTRPCError(rm.caller.iamRoles.create({ name: "Sneaky", permissions: ["billing:manage"] }), "FORBIDDEN", "FORBIDDEN");
    expect(await rm.caller.iamRoles.create({ name: "Reader", permissions: ["project:read"] })).toMatchObject({ key: "reader" });
    // Nor edit their own role upwards.
    await expectTRPCError(
      rm.caller.iamRoles.update({ roleId: roleManager.id, permissions: ["role:read", "role:manage", "member:remove"] }),
      "FORBIDDEN",
    );
    expect((await prisma.iamRole.findUniqueOrThrow({ where: { id: roleManager.id } })).permissions).not.toContain("member:remove");

    const member = await joinTenant(owner.tenantId, { role: "member" });
    await expectTRPCError(member.caller.iamRoles.create({ name: "Mine", permissions: [] }), "FORBIDDEN", "FORBIDDEN");
    // An admin may create any role without tenant:delete.
    const admin = await joinTenant(owner.tenantId, { role: "admin" });
    const everything = allPermissions.filter((p) => p !== "tenant:delete");
    expect((await admin.caller.iamRoles.create({ name: "Almost admin", permissions: [...everything] })).permissions).toEqual(everything);
  });
});

describe("iamRoles.update", () => {
  it("changes name, description and permissions; the key and memberships stay; holders' permissions follow", async () => {
    const role = await owner.caller.iamRoles.create({ name: "Editor", permissions: ["project:read"] });
    const holder = await joinTenant(owner.tenantId, { role: role.key });
    expect((await holder.caller.tenants.current()).permissions).toEqual(["project:read", "tenant:read"]);
    await expectTRPCError(holder.caller.projects.create({ name: "not yet" }), "FORBIDDEN");

    const updated = await owner.caller.iamRoles.update({ roleId: role.id, name: "Senior editor", description: "More", permissions: ["project:read", "project:create"] });
    expect(updated).toMatchObject({ id: role.id, key: role.key, name: "Senior editor", description: "More", permissions: ["project:create", "project:read", "tenant:read"] });
    expect((await prisma.tenantMember.findUniqueOrThrow({ where: { id: holder.memberId } })).role).toBe(role.key);
    const fresh = await callerFor(holder.user.headers);
    expect(await fresh.projects.create({ name: "now allowed" })).toMatchObject({ name: "now allowed" });
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { targetId: role.id, action: "role.updated" } });
    expect(audit.metadata).toMatchObject({ from: { name: "Editor" }, to: { name: "Senior editor" } });

    // Only the description: the rest stays.
    expect(await owner.caller.iamRoles.update({ roleId: role.id, description: "" })).toMatchObject({ name: "Senior editor", description: "" });
  });

  it("refuses tenant:delete, unknown permissions, taken names; another tenant's role is NOT_FOUND", async () => {
    const role = await owner.caller.iamRoles.create({ name: "Stable", permissions: ["project:read"] });
    await owner.caller.iamRoles.create({ name: "Taken", permissions: [] });
    await expectTRPCError(owner.caller.iamRoles.update({ roleId: role.id, permissions: ["tenant:delete"] }), "BAD_REQUEST", "INVALID_INPUT");
    await expectTRPCError(owner.caller.iamRoles.update({ roleId: role.id, permissions: ["nope:nope"] }), "BAD_REQUEST");
    await expectTRPCError(owner.caller.iamRoles.update({ roleId: role.id, name: "TAKEN" }), "CONFLICT");
    await expectTRPCError(owner.caller.iamRoles.update({ roleId: role.id, name: "Admin" }), "CONFLICT");
    expect(await prisma.iamRole.findUniqueOrThrow({ where: { id: role.id } })).toMatchObject({ name: "Stable", permissions: ["project:read", "tenant:read"] });

    const theirs = await other.caller.iamRoles.create({ name: "Their secret", permissions: ["project:read"] });
    await expectTRPCError(owner.caller.iamRoles.update({ roleId: theirs.id, name: "Stolen" }), "NOT_FOUND", "NOT_FOUND");
    await expectTRPCError(owner.caller.iamRoles.update({ roleId: NO_SUCH_ID, name: "Ghost" }), "NOT_FOUND");
    await expectTRPCError(owner.caller.iamRoles.update({ roleId: "bad", name: "Ghost" }), "BAD_REQUEST");
    expect((await prisma.iamRole.findUniqueOrThrow({ where: { id: theirs.id } })).name).toBe("Their secret");
  });
});

describe("iamRoles.delete", () => {
  it("is refused while members hold the role, naming how many; then deletes and audits", async () => {
    const role = await owner.caller.iamRoles.create({ name: "Temp", permissions: [] });
    const a = await addBareMember(owner.tenantId, { role: role.key });
    const b = await addBareMember(owner.tenantId, { role: role.key });
    const error = await expectTRPCError(owner.caller.iamRoles.delete({ roleId: role.id }), "CONFLICT", "CONFLICT");
    expect(error.message).toMatch(/2 members still hold the role "Temp"/);
    await owner.caller.tenants.members.changeRole({ memberId: a.memberId, role: "member" });
    const one = await expectTRPCError(owner.caller.iamRoles.delete({ roleId: role.id }), "CONFLICT");
    expect(one.message).toMatch(/1 member still holds/);
    await owner.caller.tenants.members.remove({ memberId: b.memberId });

    expect(await owner.caller.iamRoles.delete({ roleId: role.id })).toEqual({ id: role.id });
    expect(await prisma.iamRole.findUnique({ where: { id: role.id } })).toBeNull();
    expect(await prisma.auditLog.findFirst({ where: { targetId: role.id, action: "role.deleted" } })).toMatchObject({ actorUserId: owner.userId });
    await expectTRPCError(owner.caller.iamRoles.delete({ roleId: role.id }), "NOT_FOUND");
  });

  it("is refused while a pending, unexpired invitation offers the role", async () => {
    const role = await owner.caller.iamRoles.create({ name: "Invited role", permissions: [] });
    const base = { tenantId: owner.tenantId, role: role.key, inviterId: owner.userId };
    const pending = await prisma.tenantInvitation.create({ data: { ...base, email: "a@example.com", expiresAt: new Date(Date.now() + DAY_MS) } });
    await prisma.tenantInvitation.create({ data: { ...base, email: "b@example.com", expiresAt: new Date(Date.now() - 1000) } });
    await prisma.tenantInvitation.create({ data: { ...base, email: "c@example.com", status: "revoked", expiresAt: new Date(Date.now() + DAY_MS) } });
    const error = await expectTRPCError(owner.caller.iamRoles.delete({ roleId: role.id }), "CONFLICT");
    expect(error.message).toMatch(/1 pending invitation offers/);
    await prisma.tenantInvitation.update({ where: { id: pending.id }, data: { status: "revoked" } });
    expect(await owner.caller.iamRoles.delete({ roleId: role.id })).toEqual({ id: role.id });
  });

  it("another tenant's role is NOT_FOUND; without role:manage it is FORBIDDEN", async () => {
    const theirs = await other.caller.iamRoles.create({ name: "Durable", permissions: [] });
    await expectTRPCError(owner.caller.iamRoles.delete({ roleId: theirs.id }), "NOT_FOUND", "NOT_FOUND");
    expect(await prisma.iamRole.findUnique({ where: { id: theirs.id } })).not.toBeNull();
    const mine = await owner.caller.iamRoles.create({ name: "Guarded role", permissions: [] });
    const member = await joinTenant(owner.tenantId, { role: "member" });
    await expectTRPCError(member.caller.iamRoles.delete({ roleId: mine.id }), "FORBIDDEN", "FORBIDDEN");
    expect(await prisma.iamRole.findUnique({ where: { id: mine.id } })).not.toBeNull();
  });
});
