/**
 * Teams (tenants.teams): list with members, create / rename / delete with per-tenant unique names,
 * add and remove members of the same tenant only.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/server/db/client";
import { signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { addBareMember, joinTenant, setPlan } from "../helpers/tenancy";
import { expectTRPCError } from "../helpers/trpc-errors";

let owner: SignedInUser;
let other: SignedInUser;

beforeAll(async () => {
  [owner, other] = await Promise.all([signUpAndSignIn({ name: "Team owner" }), signUpAndSignIn({ name: "Other owner" })]);
  await setPlan(owner.tenantId, "business");
});

const NO_SUCH_ID = "01970000-0000-7000-8000-000000000000";

describe("create / rename / delete", () => {
  it("creates a team (name trimmed), lists it, audits it", async () => {
    const team = await owner.caller.tenants.teams.create({ name: "  Design  " });
    expect(team).toMatchObject({ id: expect.any(String), name: "Design" });
    expect(await prisma.team.findUniqueOrThrow({ where: { id: team.id } })).toMatchObject({ tenantId: owner.tenantId });
    expect((await owner.caller.tenants.teams.list()).find((t) => t.id === team.id)).toEqual({
      id: team.id,
      name: "Design",
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
      members: [],
    });
    expect(await prisma.auditLog.findFirst({ where: { targetId: team.id, action: "team.created" } })).toMatchObject({
      tenantId: owner.tenantId,
      actorUserId: owner.userId,
    });
  });

  it("names are unique per tenant, case-insensitively (CONFLICT), but another tenant may reuse one", async () => {
    await owner.caller.tenants.teams.create({ name: "Ops" });
    const before = await prisma.team.count();
    await expectTRPCError(owner.caller.tenants.teams.create({ name: "Ops" }), "CONFLICT", "CONFLICT");
    await expectTRPCError(owner.caller.tenants.teams.create({ name: "ops" }), "CONFLICT", "CONFLICT");
    expect(await prisma.team.count()).toBe(before);
    expect(await other.caller.tenants.teams.create({ name: "Ops" })).toMatchObject({ name: "Ops" });
  });

  it("names with LIKE wildcards are compared literally", async () => {
    await owner.caller.tenants.teams.create({ name: "100% done" });
    expect(await owner.caller.tenants.teams.create({ name: "%" })).toMatchObject({ name: "%" });
    expect(await owner.caller.tenants.teams.create({ name: "100_ done" })).toMatchObject({ name: "100_ done" });
    await expectTRPCError(owner.caller.tenants.teams.create({ name: "100% DONE" }), "CONFLICT");
  });

  it("two racing creates of the same name make one team", async () => {
    const results = await Promise.allSettled([
      owner.caller.tenants.teams.create({ name: "Racers" }),
      owner.caller.tenants.teams.create({ name: "Racers" }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "CONFLICT" });
    expect(await prisma.team.count({ where: { tenantId: owner.tenantId, name: "Racers" } })).toBe(1);
  });

  it("refuses blank and over-long names", async () => {
    await expectTRPCError(owner.caller.tenants.teams.create({ name: " " }), "BAD_REQUEST");
    await expectTRPCError(owner.caller.tenants.teams.create({ name: "t".repeat(61) }), "BAD_REQUEST");
  });

  it("renames (CONFLICT on a taken name, NOT_FOUND for another tenant's team) and audits", async () => {
    const a = await owner.caller.tenants.teams.create({ name: "Alpha" });
    await owner.caller.tenants.teams.create({ name: "Beta" });
    expect(await owner.caller.tenants.teams.rename({ teamId: a.id, name: "Gamma" })).toMatchObject({ id: a.id, name: "Gamma" });
    await expectTRPCError(owner.caller.tenants.teams.rename({ teamId: a.id, name: "beta" }), "CONFLICT");
    // Only the case changes: allowed (it is the same team).
    expect(await owner.caller.tenants.teams.rename({ teamId: a.id, name: "GAMMA" })).toMatchObject({ name: "GAMMA" });
    const theirs = await other.caller.tenants.teams.create({ name: "Theirs" });
    await expectTRPCError(owner.caller.tenants.teams.rename({ teamId: theirs.id, name: "Mine now" }), "NOT_FOUND", "NOT_FOUND");
    await expectTRPCError(owner.caller.tenants.teams.rename({ teamId: NO_SUCH_ID, name: "x" }), "NOT_FOUND");
    await expectTRPCError(owner.caller.tenants.teams.rename({ teamId: "bad id", name: "x" }), "BAD_REQUEST");
    expect((await prisma.team.findUniqueOrThrow({ where: { id: theirs.id } })).name).toBe("Theirs");
    expect(await prisma.auditLog.findFirst({ where: { targetId: a.id, action: "team.renamed" } })).toMatchObject({
      metadata: { from: "Alpha", to: "Gamma" },
    });
  });

  it("deletes a team and its memberships (the people stay); another tenant's team is NOT_FOUND", async () => {
    const team = await owner.caller.tenants.teams.create({ name: "Short-lived" });
    const m = await addBareMember(owner.tenantId);
    await owner.caller.tenants.teams.addMember({ teamId: team.id, memberId: m.memberId });
    expect(await owner.caller.tenants.teams.delete({ teamId: team.id })).toEqual({ id: team.id });
    expect(await prisma.team.findUnique({ where: { id: team.id } })).toBeNull();
    expect(await prisma.teamMember.count({ where: { teamId: team.id } })).toBe(0);
    expect(await prisma.tenantMember.findUnique({ where: { id: m.memberId } })).not.toBeNull();
    await expectTRPCError(owner.caller.tenants.teams.delete({ teamId: team.id }), "NOT_FOUND");

    const theirs = await other.caller.tenants.teams.create({ name: "Keep me" });
    await expectTRPCError(owner.caller.tenants.teams.delete({ teamId: theirs.id }), "NOT_FOUND", "NOT_FOUND");
    expect(await prisma.team.findUnique({ where: { id: theirs.id } })).not.toBeNull();
  });
});

describe("team members", () => {
  it("adds and removes members of this tenant; list shows them", async () => {
    const team = await owner.caller.tenants.teams.create({ name: "Builders" });
    const member = await joinTenant(owner.tenantId, { role: "member", name: "Bea Builder" });
    expect(await owner.caller.tenants.teams.addMember({ teamId: team.id, memberId: member.memberId })).toEqual({
      teamId: team.id,
      memberId: member.memberId,
    });
    expect(await prisma.teamMember.findFirstOrThrow({ where: { teamId: team.id } })).toMatchObject({ tenantId: owner.tenantId });
    const listed = (await member.caller.tenants.teams.list()).find((t) => t.id === team.id)!;
    expect(listed.members).toEqual([
      { memberId: member.memberId, userId: member.user.userId, name: "Bea Builder", email: member.user.email, role: "member", memberType: "member" },
    ]);
    await expectTRPCError(owner.caller.tenants.teams.addMember({ teamId: team.id, memberId: member.memberId }), "CONFLICT");
    expect(await owner.caller.tenants.teams.removeMember({ teamId: team.id, memberId: member.memberId })).toEqual({
      teamId: team.id,
      memberId: member.memberId,
    });
    await expectTRPCError(owner.caller.tenants.teams.removeMember({ teamId: team.id, memberId: member.memberId }), "NOT_FOUND");
    const actions = await prisma.auditLog.findMany({ where: { targetId: team.id }, orderBy: { createdAt: "asc" } });
    expect(actions.map((a) => a.action)).toEqual(["team.created", "team.member_added", "team.member_removed"]);
  });

  it("a member of another tenant, or another tenant's team, is NOT_FOUND and nothing is written", async () => {
    const mine = await owner.caller.tenants.teams.create({ name: "Closed shop" });
    const myMember = await addBareMember(owner.tenantId);
    const theirTeam = await other.caller.tenants.teams.create({ name: "Their team" });
    const theirMember = await prisma.tenantMember.findFirstOrThrow({ where: { tenantId: other.tenantId } });
    const before = await prisma.teamMember.count();
    await expectTRPCError(owner.caller.tenants.teams.addMember({ teamId: mine.id, memberId: theirMember.id }), "NOT_FOUND", "NOT_FOUND");
    await expectTRPCError(owner.caller.tenants.teams.addMember({ teamId: theirTeam.id, memberId: myMember.memberId }), "NOT_FOUND", "NOT_FOUND");
    await expectTRPCError(owner.caller.tenants.teams.addMember({ teamId: mine.id, memberId: NO_SUCH_ID }), "NOT_FOUND");
    await expectTRPCError(owner.caller.tenants.teams.addMember({ teamId: mine.id, memberId: "nope" }), "BAD_REQUEST");
    expect(await prisma.teamMember.count()).toBe(before);

    await other.caller.tenants.teams.addMember({ teamId: theirTeam.id, memberId: theirMember.id });
    await expectTRPCError(owner.caller.tenants.teams.removeMember({ teamId: theirTeam.id, memberId: theirMember.id }), "NOT_FOUND");
    await expectTRPCError(owner.caller.tenants.teams.removeMember({ teamId: mine.id, memberId: theirMember.id }), "NOT_FOUND");
    expect(await prisma.teamMember.count({ where: { teamId: theirTeam.id } })).toBe(1);
    expect((await owner.caller.tenants.teams.list()).map((t) => t.id)).not.toContain(theirTeam.id);
  });

  it("team:read lets members list; team:manage is needed to change anything", async () => {
    const member = await joinTenant(owner.tenantId, { role: "member" });
    const guest = await joinTenant(owner.tenantId, { role: "guest", memberType: "guest" });
    const team = await owner.caller.tenants.teams.create({ name: "Guarded" });
    expect((await member.caller.tenants.teams.list()).map((t) => t.id)).toContain(team.id);
    await expectTRPCError(guest.caller.tenants.teams.list(), "FORBIDDEN", "FORBIDDEN");
    await expectTRPCError(member.caller.tenants.teams.create({ name: "Rogue" }), "FORBIDDEN", "FORBIDDEN");
    await expectTRPCError(member.caller.tenants.teams.rename({ teamId: team.id, name: "Rogue" }), "FORBIDDEN");
    await expectTRPCError(member.caller.tenants.teams.delete({ teamId: team.id }), "FORBIDDEN");
    await expectTRPCError(member.caller.tenants.teams.addMember({ teamId: team.id, memberId: member.memberId }), "FORBIDDEN");
    expect(await prisma.team.findUniqueOrThrow({ where: { id: team.id } })).toMatchObject({ name: "Guarded" });
    expect(await prisma.teamMember.count({ where: { teamId: team.id } })).toBe(0);
  });
});
