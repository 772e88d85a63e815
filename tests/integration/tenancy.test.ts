/**
 * Tenancy and access: the tenant-scoped Prisma client, tenants.mine / current / switch, role checks,
 * unauthenticated callers, and the platform procedures.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "@/server/api/root";
import type { Prisma } from "@/generated/prisma/client";
import { prisma } from "@/server/db/client";
import { scopeToTenant } from "@/server/db/tenant-scope";
import { anonymousCaller, callerFor, signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { callProcedure, listProcedures } from "../helpers/procedures";
import { expectTRPCError, trpcErrorOf } from "../helpers/trpc-errors";

let alice: SignedInUser;
let bob: SignedInUser;

beforeAll(async () => {
  [alice, bob] = await Promise.all([signUpAndSignIn({ name: "Alice" }), signUpAndSignIn({ name: "Bob" })]);
});

describe("scopeToTenant (src/server/db/tenant-scope.ts)", () => {
  it("confines reads, writes and deletes of tenant-owned models to one tenant", async () => {
    const [a1, a2, aDeleted, b1] = await Promise.all([
      prisma.project.create({ data: { tenantId: alice.tenantId, name: "scope a1" } }),
      prisma.project.create({ data: { tenantId: alice.tenantId, name: "scope a2" } }),
      prisma.project.create({ data: { tenantId: alice.tenantId, name: "scope a-deleted", deletedAt: new Date() } }),
      prisma.project.create({ data: { tenantId: bob.tenantId, name: "scope b1" } }),
    ]);
    const scoped = scopeToTenant(prisma, alice.tenantId);

    // No where at all: only alice's live rows.
    const all = await scoped.project.findMany();
    expect(all.every((p) => p.tenantId === alice.tenantId && p.deletedAt === null)).toBe(true);
    expect(all.map((p) => p.id)).toEqual(expect.arrayContaining([a1.id, a2.id]));
    expect(all.map((p) => p.id)).not.toContain(b1.id);
    expect(all.map((p) => p.id)).not.toContain(aDeleted.id);
    expect(await scoped.project.count()).toBe(
      await prisma.project.count({ where: { tenantId: alice.tenantId, deletedAt: null } }),
    );

    // Naming deletedAt shows the soft-deleted rows, still of this tenant only.
    const deleted = await scoped.project.findMany({ where: { deletedAt: { not: null } } });
    expect(deleted.map((p) => p.id)).toContain(aDeleted.id);
    expect(deleted.every((p) => p.tenantId === alice.tenantId)).toBe(true);

    // Another tenant's row by id: not found, not changed, not deleted.
    expect(await scoped.project.findUnique({ where: { id: b1.id } })).toBeNull();
    expect(await scoped.project.findFirst({ where: { id: b1.id } })).toBeNull();
    expect((await scoped.project.updateMany({ where: { id: b1.id }, data: { name: "hijacked" } })).count).toBe(0);
    expect((await scoped.project.deleteMany({ where: { id: b1.id } })).count).toBe(0);
    await expect(scoped.project.update({ where: { id: b1.id }, data: { name: "hijacked" } })).rejects.toMatchObject({ code: "P2025" });
    await expect(scoped.project.delete({ where: { id: b1.id } })).rejects.toMatchObject({ code: "P2025" });
    expect(await prisma.project.findUniqueOrThrow({ where: { id: b1.id } })).toEqual(b1);

    // A where naming the other tenant is overridden, not obeyed.
    expect(await scoped.project.findMany({ where: { tenantId: bob.tenantId } })).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ id: b1.id })]),
    );
  });

  it("sets tenantId on create and refuses rows for another tenant", async () => {
    const scoped = scopeToTenant(prisma, alice.tenantId);
    const created = await scoped.project.create({ data: { name: "no tenant given" } as Prisma.ProjectUncheckedCreateInput });
    expect(created.tenantId).toBe(alice.tenantId);

    await expect(scoped.project.create({ data: { tenantId: bob.tenantId, name: "smuggled" } })).rejects.toThrow(/another tenant/);
    await expect(
      scoped.project.createMany({
        data: [
          { tenantId: alice.tenantId, name: "fine" },
          { tenantId: bob.tenantId, name: "smuggled" },
        ],
      }),
    ).rejects.toThrow(/another tenant/);
    expect(await prisma.project.count({ where: { name: { in: ["smuggled", "fine"] } } })).toBe(0);
  });
});

describe("tenants router", () => {
  it("tenants.mine lists only the caller's own tenants", async () => {
    const mine = await alice.caller.tenants.mine();
    expect(mine.map((m) => ({ tenantId: m.tenantId, role: m.role }))).toEqual([{ tenantId: alice.tenantId, role: "owner" }]);
    expect(mine[0]!.tenant).toMatchObject({ id: alice.tenantId, plan: "starter", billingState: "trial" });
  });

  it("tenants.current is the active tenant with the caller's role", async () => {
    expect(await bob.caller.tenants.current()).toMatchObject({ id: bob.tenantId, role: "owner", plan: "starter" });
  });

  it("tenants.switch to a tenant the user is not a member of is NOT_FOUND and changes nothing", async () => {
    const sessionsBefore = await prisma.session.findMany({ where: { userId: alice.userId }, select: { id: true, activeOrganizationId: true } });
    await expectTRPCError(alice.caller.tenants.switch({ tenantId: bob.tenantId }), "NOT_FOUND", "NOT_FOUND");
    await expectTRPCError(alice.caller.tenants.switch({ tenantId: "no-such-tenant" }), "NOT_FOUND");
    expect(await prisma.session.findMany({ where: { userId: alice.userId }, select: { id: true, activeOrganizationId: true } })).toEqual(
      sessionsBefore,
    );
    expect(await alice.caller.tenants.current()).toMatchObject({ id: alice.tenantId });
  });

  it("switches to a tenant the user was added to; roles then apply in that tenant", async () => {
    const carol = await signUpAndSignIn({ name: "Carol" });
    const dave = await signUpAndSignIn({ name: "Dave" });
    await prisma.tenantMember.create({ data: { tenantId: bob.tenantId, userId: carol.userId, role: "member" } });
    await prisma.tenantMember.create({ data: { tenantId: bob.tenantId, userId: dave.userId, role: "guest", memberType: "guest" } });
    const bobProject = await bob.caller.projects.create({ name: "Bob's shared" });

    const carolHome = await carol.caller.projects.create({ name: "Carol at home" });

    // Carol, a member: sees both tenants, switches, and works in bob's tenant.
    expect((await carol.caller.tenants.mine()).map((m) => m.tenantId).sort()).toEqual([carol.tenantId, bob.tenantId].sort());
    const switched = await carol.caller.tenants.switch({ tenantId: bob.tenantId });
    expect(switched).toMatchObject({ tenantId: bob.tenantId, role: "member" });
    const carolInBob = await callerFor(carol.headers); // the session row now names bob's tenant
    expect(await carolInBob.tenants.current()).toMatchObject({ id: bob.tenantId, role: "member" });
    expect((await carolInBob.projects.list()).map((p) => p.id)).toContain(bobProject.id);
    const carolsProject = await carolInBob.projects.create({ name: "By Carol" });
    expect((await prisma.project.findUniqueOrThrow({ where: { id: carolsProject.id } })).tenantId).toBe(bob.tenantId);
    // Her own tenant's projects are out of reach while bob's tenant is active.
    expect((await carolInBob.projects.list()).map((p) => p.id)).not.toContain(carolHome.id);
    await expectTRPCError(carolInBob.projects.get({ id: carolHome.id }), "NOT_FOUND");

    // Dave, a guest: may read projects in bob's tenant but not create, delete, or read billing.
    await dave.caller.tenants.switch({ tenantId: bob.tenantId });
    const daveInBob = await callerFor(dave.headers);
    expect((await daveInBob.projects.list()).map((p) => p.id)).toContain(bobProject.id);
    await expectTRPCError(daveInBob.projects.create({ name: "guest write" }), "FORBIDDEN", "FORBIDDEN");
    await expectTRPCError(daveInBob.projects.delete({ id: bobProject.id }), "FORBIDDEN", "FORBIDDEN");
    await expectTRPCError(daveInBob.billing.state(), "FORBIDDEN", "FORBIDDEN");
    await expectTRPCError(daveInBob.iamRoles.list(), "FORBIDDEN", "FORBIDDEN");
    expect((await prisma.project.findUniqueOrThrow({ where: { id: bobProject.id } })).deletedAt).toBeNull();
  });

  it("a user removed from the active tenant falls back to their own tenant", async () => {
    const erin = await signUpAndSignIn({ name: "Erin" });
    await prisma.tenantMember.create({ data: { tenantId: bob.tenantId, userId: erin.userId, role: "admin" } });
    await erin.caller.tenants.switch({ tenantId: bob.tenantId });
    await prisma.tenantMember.deleteMany({ where: { tenantId: bob.tenantId, userId: erin.userId } });
    const erinNow = await callerFor(erin.headers);
    expect(await erinNow.tenants.current()).toMatchObject({ id: erin.tenantId, role: "owner" });
    expect((await erinNow.projects.list()).every((p) => p.name !== "Bob's shared")).toBe(true);
  });
});

describe("authentication and platform access", () => {
  // Procedures anyone may call without a session. Adding a public procedure means adding it here.
  const PUBLIC = new Set(["me.signUp", "tenants.invitations.get"]);

  it("every non-public procedure refuses a caller without a session with UNAUTHORIZED", async () => {
    const anonymous = await anonymousCaller();
    const procedures = listProcedures(appRouter).filter((p) => !PUBLIC.has(p.path));
    expect(procedures.map((p) => p.path)).toEqual(expect.arrayContaining(["me.get", "projects.list", "projects.create", "tenants.switch", "platform.tenants"]));
    for (const { path } of procedures) {
      const error = await trpcErrorOf(callProcedure(anonymous, path, { id: "x", name: "x", tenantId: "x" }));
      expect({ path, code: error.code }).toEqual({ path, code: "UNAUTHORIZED" });
    }
  });

  it("a forged or expired session cookie is treated as no session", async () => {
    const forged = await callerFor(new Headers({ cookie: "better-auth.session_token=forged.signature" }));
    await expectTRPCError(forged.me.get(), "UNAUTHORIZED", "UNAUTHENTICATED");

    const user = await signUpAndSignIn({ name: "Expiring" });
    await prisma.session.updateMany({ where: { userId: user.userId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expectTRPCError((await callerFor(user.headers)).projects.list(), "UNAUTHORIZED");
  });

  // Platform staff access (role, 2FA, allowlist, no membership) is covered in platform.test.ts.
  it("platform.tenants is FORBIDDEN for a tenant owner without a platform role", async () => {
    await expectTRPCError(alice.caller.platform.tenants(), "FORBIDDEN", "FORBIDDEN");
  });
});
