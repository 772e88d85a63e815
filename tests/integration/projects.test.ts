/**
 * The core-domain example through tRPC as signed-in tenant owners: create / list / get / rename /
 * soft delete, audit rows, and isolation between two tenants (another tenant's project is simply
 * not found, and its row is left untouched).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/server/db/client";
import { signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { setPlan } from "../helpers/tenancy";
import { expectTRPCError } from "../helpers/trpc-errors";

let alice: SignedInUser;
let bob: SignedInUser;

beforeAll(async () => {
  [alice, bob] = await Promise.all([signUpAndSignIn({ name: "Alice" }), signUpAndSignIn({ name: "Bob" })]);
  expect(alice.tenantId).not.toBe(bob.tenantId);
  // Room for every project these tests create (the project limit has its own tests: usage-limits.test.ts).
  await Promise.all([setPlan(alice.tenantId, "business"), setPlan(bob.tenantId, "business")]);
});

describe("projects CRUD", () => {
  it("creates a project in the caller's tenant (name trimmed) and audits it", async () => {
    const created = await alice.caller.projects.create({ name: "  Launch site  " });
    expect(created).toEqual({ id: expect.any(String), name: "Launch site", createdAt: expect.any(Date), updatedAt: expect.any(Date), usageWarning: null });

    const row = await prisma.project.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({ tenantId: alice.tenantId, name: "Launch site", createdById: alice.userId, deletedAt: null });

    const audit = await prisma.auditLog.findMany({ where: { targetId: created.id } });
    expect(audit.map((a) => ({ action: a.action, tenantId: a.tenantId, actorUserId: a.actorUserId, targetType: a.targetType }))).toEqual([
      { action: "project.created", tenantId: alice.tenantId, actorUserId: alice.userId, targetType: "project" },
    ]);
  });

  it("lists only the caller's tenant's projects, newest first, and gets one by id", async () => {
    const a1 = await alice.caller.projects.create({ name: "A first" });
    const a2 = await alice.caller.projects.create({ name: "A second" });
    const b1 = await bob.caller.projects.create({ name: "B only" });

    const aliceList = await alice.caller.projects.list();
    const ids = aliceList.map((p) => p.id);
    expect(ids.indexOf(a2.id)).toBeLessThan(ids.indexOf(a1.id));
    expect(ids).not.toContain(b1.id);
    const aliceRows = await prisma.project.findMany({ where: { tenantId: alice.tenantId, deletedAt: null } });
    expect(new Set(ids)).toEqual(new Set(aliceRows.map((r) => r.id)));

    expect((await bob.caller.projects.list()).map((p) => p.id)).toEqual([b1.id]);
    expect(await alice.caller.projects.get({ id: a1.id })).toMatchObject({ id: a1.id, name: "A first" });
  });

  it("renames a project and audits the old and new names", async () => {
    const p = await alice.caller.projects.create({ name: "Old name" });
    const renamed = await alice.caller.projects.rename({ id: p.id, name: "New name" });
    expect(renamed).toMatchObject({ id: p.id, name: "New name" });
    expect((await prisma.project.findUniqueOrThrow({ where: { id: p.id } })).name).toBe("New name");

    const audit = await prisma.auditLog.findFirstOrThrow({ where: { targetId: p.id, action: "project.renamed" } });
    expect(audit).toMatchObject({ tenantId: alice.tenantId, actorUserId: alice.userId, metadata: { from: "Old name", to: "New name" } });
  });

  it("soft-deletes: deleted_at is set, the row stays, list and get hide it, and it is audited", async () => {
    const p = await alice.caller.projects.create({ name: "Doomed" });
    expect(await alice.caller.projects.delete({ id: p.id })).toEqual({ id: p.id });

    const row = await prisma.project.findUniqueOrThrow({ where: { id: p.id } });
    expect(row.deletedAt).toBeInstanceOf(Date);
    expect(row.name).toBe("Doomed");

    expect((await alice.caller.projects.list()).map((x) => x.id)).not.toContain(p.id);
    await expectTRPCError(alice.caller.projects.get({ id: p.id }), "NOT_FOUND", "NOT_FOUND");
    await expectTRPCError(alice.caller.projects.rename({ id: p.id, name: "Revived" }), "NOT_FOUND", "NOT_FOUND");
    await expectTRPCError(alice.caller.projects.delete({ id: p.id }), "NOT_FOUND", "NOT_FOUND");

    const actions = await prisma.auditLog.findMany({ where: { targetId: p.id }, orderBy: { createdAt: "asc" } });
    expect(actions.map((a) => a.action)).toEqual(["project.created", "project.deleted"]);
    expect((await prisma.project.findUniqueOrThrow({ where: { id: p.id } })).name).toBe("Doomed");
  });

  it("refuses empty and over-long names with BAD_REQUEST", async () => {
    const before = await prisma.project.count();
    await expectTRPCError(alice.caller.projects.create({ name: "   " }), "BAD_REQUEST");
    await expectTRPCError(alice.caller.projects.create({ name: "x".repeat(81) }), "BAD_REQUEST");
    expect(await prisma.project.count()).toBe(before);
    expect((await alice.caller.projects.create({ name: "x".repeat(80) })).name).toHaveLength(80);
  });

  it("answers NOT_FOUND for a well-formed id that does not exist", async () => {
    await expectTRPCError(alice.caller.projects.get({ id: "01970000-0000-7000-8000-000000000000" }), "NOT_FOUND");
  });
});

describe("cross-tenant isolation", () => {
  it("bob cannot read, rename or delete alice's project, and alice's row is unchanged", async () => {
    const p = await alice.caller.projects.create({ name: "Alice's secret" });
    const before = await prisma.project.findUniqueOrThrow({ where: { id: p.id } });
    const auditBefore = await prisma.auditLog.count({ where: { targetId: p.id } });

    await expectTRPCError(bob.caller.projects.get({ id: p.id }), "NOT_FOUND", "NOT_FOUND");
    await expectTRPCError(bob.caller.projects.rename({ id: p.id, name: "Pwned" }), "NOT_FOUND", "NOT_FOUND");
    await expectTRPCError(bob.caller.projects.delete({ id: p.id }), "NOT_FOUND", "NOT_FOUND");

    expect(await prisma.project.findUniqueOrThrow({ where: { id: p.id } })).toEqual(before);
    expect(await prisma.auditLog.count({ where: { targetId: p.id } })).toBe(auditBefore);
    expect((await bob.caller.projects.list()).map((x) => x.id)).not.toContain(p.id);
    expect(await alice.caller.projects.get({ id: p.id })).toMatchObject({ name: "Alice's secret" });
  });

  it("a project created by bob lands in bob's tenant, whatever alice has", async () => {
    const p = await bob.caller.projects.create({ name: "Bob's" });
    expect((await prisma.project.findUniqueOrThrow({ where: { id: p.id } })).tenantId).toBe(bob.tenantId);
    await expectTRPCError(alice.caller.projects.get({ id: p.id }), "NOT_FOUND");
  });
});
