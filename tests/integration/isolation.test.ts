/**
 * Tenant isolation, proven over EVERY tenant procedure of appRouter (found at run time from
 * meta.scope === "tenant", so a procedure added later is covered without editing this file):
 * the owner of tenant A calls each one with tenant B's ids in every id-like input field (alone, and
 * mixed with A's own ids), built from the procedure's zod input schema. Each call must be refused
 * (NOT_FOUND / FORBIDDEN / BAD_REQUEST) or return nothing of B, and B's rows must not change.
 * The workspace procedures outside tenant scope (switch, leave, restore, accept, ...) get the same.
 * A canary router with deliberately leaky procedures proves the checker catches a leak.
 */
import { randomBytes } from "node:crypto";
import { TRPCError, type AnyTRPCRouter } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { appRouter } from "@/server/api/root";
import { createCallerFactory, createTRPCContext, createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { prisma } from "@/server/db/client";
import { isPermission } from "@/server/domain/rbac/permissions";
import { signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { callProcedure, listProcedures, type ProcedureInfo } from "../helpers/procedures";
import { addBareMember, setPlan } from "../helpers/tenancy";
import { errorShapeOf } from "../helpers/trpc-errors";
import { idLikePaths, sampleInput } from "../helpers/zod-inputs";
import { DAY_MS } from "@/lib/time";

const tag = randomBytes(4).toString("hex");

let alice: SignedInUser; // owner of A, the attacker
let bob: SignedInUser; // owner of B, the victim

interface TenantObjects {
  tenant: string;
  project: string;
  team: string;
  member: string;
  memberUser: string;
  role: string;
  roleKey: string;
  invitation: string;
}
let A: TenantObjects;
let B: TenantObjects;
/** Strings that must never appear in anything A's owner gets back: B's ids, names and addresses. */
let bMarkers: string[];

async function populate(owner: SignedInUser, label: string): Promise<TenantObjects> {
  const c = owner.caller;
  await c.tenants.rename({ name: `${label} tenant ${tag}` });
  const project = await c.projects.create({ name: `${label} project ${tag}` });
  const team = await c.tenants.teams.create({ name: `${label} team ${tag}` });
  const role = await c.iamRoles.create({ name: `${label} role ${tag}`, description: `${label} secret ${tag}`, permissions: ["project:read"] });
  const member = await addBareMember(owner.tenantId, { role: role.key, name: `${label} member ${tag}` });
  await c.tenants.teams.addMember({ teamId: team.id, memberId: member.memberId });
  const invitation = await prisma.tenantInvitation.create({
    data: {
      tenantId: owner.tenantId,
      email: `${label.toLowerCase()}-invitee-${tag}@example.com`,
      role: role.key,
      inviterId: owner.userId,
      expiresAt: new Date(Date.now() + 7 * DAY_MS),
    },
  });
  // A soft-deleted project too: hidden rows must stay hidden across tenants as well.
  await prisma.project.create({ data: { tenantId: owner.tenantId, name: `${label} deleted project ${tag}`, deletedAt: new Date() } });
  return {
    tenant: owner.tenantId,
    project: project.id,
    team: team.id,
    member: member.memberId,
    memberUser: member.userId,
    role: role.id,
    roleKey: role.key,
    invitation: invitation.id,
  };
}

beforeAll(async () => {
  [alice, bob] = await Promise.all([signUpAndSignIn({ name: "Alice Attacker" }), signUpAndSignIn({ name: "Bob Victim" })]);
  await Promise.all([setPlan(alice.tenantId, "business"), setPlan(bob.tenantId, "business")]);
  A = await populate(alice, "Alpha");
  B = await populate(bob, "Bravo");
  const bUsers = await prisma.user.findMany({ where: { id: { in: [bob.userId, B.memberUser] } }, select: { id: true, email: true } });
  const bNames = [`Bravo tenant ${tag}`, `Bravo project ${tag}`, `Bravo team ${tag}`, `Bravo role ${tag}`, `Bravo secret ${tag}`, `Bravo member ${tag}`, `Bravo deleted project ${tag}`];
  const bInvitation = await prisma.tenantInvitation.findUniqueOrThrow({ where: { id: B.invitation } });
  bMarkers = [...Object.values(B), ...bUsers.flatMap((u) => [u.id, u.email]), ...bNames, bInvitation.email].filter((m) => m !== B.roleKey);
  // The role key is derived from the name, so "bravo-role-<tag>" is B's alone; check it too.
  bMarkers.push(B.roleKey);
});

/** Everything of B, to compare before and after each call. */
async function snapshotB(): Promise<string> {
  const tenantId = B.tenant;
  const rows = {
    tenant: await prisma.tenant.findUnique({ where: { id: tenantId } }),
    members: await prisma.tenantMember.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
    invitations: await prisma.tenantInvitation.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
    teams: await prisma.team.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
    teamMembers: await prisma.teamMember.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
    roles: await prisma.iamRole.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
    projects: await prisma.project.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
    audit: await prisma.auditLog.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
    sessions: await prisma.session.findMany({ where: { userId: bob.userId }, orderBy: { id: "asc" }, select: { id: true, activeOrganizationId: true } }),
    users: await prisma.user.findMany({ where: { id: { in: [bob.userId, B.memberUser] } }, orderBy: { id: "asc" } }),
  };
  return JSON.stringify(rows);
}

/** A's own id for a field, guessed from its name (for the mixed variants: one field B's, the rest A's). */
function ownIdFor(key: string): string {
  if (/invitation/i.test(key)) return A.invitation;
  if (/team/i.test(key)) return A.team;
  if (/member/i.test(key)) return A.member;
  if (key === "role" || key === "key") return A.roleKey;
  if (/role/i.test(key)) return A.role;
  if (/tenant|organization|workspace/i.test(key)) return A.tenant;
  if (/user/i.test(key)) return alice.userId;
  return A.project;
}

let textCounter = 0;
const text = (key: string) => (key === "name" ? `Probe ${tag} ${++textCounter}` : `isolation-probe-${++textCounter}`);

interface Variant {
  label: string;
  input: unknown;
}

function variantsFor(proc: ProcedureInfo): Variant[] {
  if (proc.inputs.length === 0) return [{ label: "no input", input: undefined }];
  const idKeys = [...new Set(proc.inputs.flatMap((s) => idLikePaths(s)).map((p) => p.split(".").at(-1)!))];
  if (idKeys.length === 0) return [{ label: "no id fields", input: sampleInput(proc.inputs, { fill: () => undefined, text }) }];
  const bValues = Object.entries(B) as [keyof TenantObjects, string][];
  const variants: Variant[] = [];
  for (const [kind, value] of bValues) {
    variants.push({ label: `every id field = B.${kind}`, input: sampleInput(proc.inputs, { fill: () => value, text }) });
    if (idKeys.length > 1) {
      for (const key of idKeys) {
        variants.push({
          label: `${key} = B.${kind}, other ids A's`,
          input: sampleInput(proc.inputs, { fill: (k) => (k === key ? value : ownIdFor(k)), text }),
        });
      }
    }
  }
  return variants;
}

const REFUSALS = new Set(["NOT_FOUND", "FORBIDDEN", "BAD_REQUEST"]);

/**
 * Calls every procedure in `procs` with every variant as `caller`; returns what went wrong.
 * `idCalls` counts calls whose input held one of B's ids (and how many of them were refused).
 */
async function probe(
  caller: unknown,
  procs: ProcedureInfo[],
): Promise<{ problems: string[]; calls: number; refusedIdCalls: number }> {
  const problems: string[] = [];
  let calls = 0;
  let refusedIdCalls = 0;
  for (const proc of procs) {
    if (proc.type === "subscription") continue;
    const before = await snapshotB();
    for (const { label, input } of variantsFor(proc)) {
      calls++;
      const sent = JSON.stringify(input ?? null);
      const carriesBId = Object.values(B).some((v) => sent.includes(v));
      // What the caller sent may come back (e.g. "no role named <what you typed>"); anything else of B may not.
      const secrets = bMarkers.filter((m) => !sent.includes(m));
      try {
        const result = await callProcedure(caller, proc.path, input);
        const json = JSON.stringify(result ?? null);
        const leaked = secrets.filter((m) => json.includes(m));
        if (leaked.length > 0) problems.push(`${proc.path} (${label}): returned B's ${leaked.join(", ")}`);
      } catch (error) {
        if (!(error instanceof TRPCError)) {
          problems.push(`${proc.path} (${label}): threw ${String(error)}`);
          continue;
        }
        const leaked = secrets.filter((m) => error.message.includes(m));
        if (leaked.length > 0) problems.push(`${proc.path} (${label}): error message names B's ${leaked.join(", ")}`);
        if (carriesBId) {
          if (REFUSALS.has(error.code)) refusedIdCalls++;
          else problems.push(`${proc.path} (${label}): ${error.code} (${errorShapeOf(error).data.appCode}) instead of a refusal: ${error.message}`);
        }
      }
      // Nothing may point A's owner at B; calls like tenants.create move the session, so reset it.
      const aliceSessions = await prisma.session.findMany({ where: { userId: alice.userId }, select: { activeOrganizationId: true } });
      if (aliceSessions.some((s) => s.activeOrganizationId === B.tenant)) problems.push(`${proc.path} (${label}): made B the caller's active tenant`);
      await prisma.session.updateMany({ where: { userId: alice.userId }, data: { activeOrganizationId: A.tenant } });
      const aliceInB = await prisma.tenantMember.count({ where: { tenantId: B.tenant, userId: alice.userId } });
      if (aliceInB > 0) problems.push(`${proc.path} (${label}): made the caller a member of B`);
    }
    if ((await snapshotB()) !== before) problems.push(`${proc.path}: changed B's rows`);
  }
  return { problems, calls, refusedIdCalls };
}

const tenantProcedures = () => listProcedures(appRouter).filter((p) => p.meta?.scope === "tenant");

describe("tenant isolation over every tenant procedure", () => {
  it("every tenant procedure declares a permission from the matrix", () => {
    const procs = tenantProcedures();
    expect(procs.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        "projects.get",
        "projects.rename",
        "tenants.current",
        "tenants.delete",
        "tenants.members.changeRole",
        "tenants.members.remove",
        "tenants.teams.addMember",
        "iamRoles.update",
        "iamRoles.delete",
      ]),
    );
    for (const p of procs) expect({ path: p.path, declared: isPermission(String(p.meta?.permission)) }).toEqual({ path: p.path, declared: true });
  });

  it("A's owner gets nothing of B from any tenant procedure, whatever ids they pass", { timeout: 120_000 }, async () => {
    const before = await snapshotB();
    const { problems, calls, refusedIdCalls } = await probe(alice.caller, tenantProcedures());
    expect(problems, problems.join("\n")).toEqual([]);
    expect(await snapshotB()).toBe(before);
    // The ids really reached the procedures (a broken input builder would make this vacuous).
    expect(calls).toBeGreaterThan(100);
    expect(refusedIdCalls).toBeGreaterThan(80);
    // And A's own world still works after the barrage.
    expect(await alice.caller.projects.get({ id: A.project })).toMatchObject({ id: A.project });
  });

  it("the same holds for the workspace procedures outside tenant scope (switch, leave, restore, ...)", { timeout: 120_000 }, async () => {
    const PUBLIC_OR_SYSTEM = /^(internal|platform|admin)\./;
    const procs = listProcedures(appRouter).filter(
      (p) => p.meta?.scope !== "tenant" && !PUBLIC_OR_SYSTEM.test(p.path) && p.path !== "me.signUp" && p.inputs.length > 0,
    );
    expect(procs.map((p) => p.path)).toEqual(expect.arrayContaining(["tenants.switch", "tenants.leave", "tenants.restore"]));
    // B soft-deleted, so restore has something to be refused on.
    await prisma.tenant.update({ where: { id: B.tenant }, data: { deletedAt: new Date(), deletedById: bob.userId } });
    try {
      const before = await snapshotB();
      const { problems } = await probe(alice.caller, procs);
      expect(problems, problems.join("\n")).toEqual([]);
      expect(await snapshotB()).toBe(before);
    } finally {
      await prisma.tenant.update({ where: { id: B.tenant }, data: { deletedAt: null, deletedById: null } });
    }
    // And B live again: switching and leaving still refused.
    const { problems } = await probe(alice.caller, procs.filter((p) => p.path === "tenants.switch" || p.path === "tenants.leave"));
    expect(problems).toEqual([]);
  });

  it("the checker catches a leaky tenant procedure (canary)", async () => {
    // Deliberately wrong: the unscoped client and no tenant in the where.
    const canary = createTRPCRouter({
      peek: tenantProcedure("project:read")
        .input(z.object({ projectId: z.uuid() }))
        .query(({ input }) => prisma.project.findUnique({ where: { id: input.projectId } })),
      scribble: tenantProcedure("team:manage")
        .input(z.object({ teamId: z.uuid(), name: z.string() }))
        .mutation(({ input }) => prisma.team.updateMany({ where: { id: input.teamId }, data: { name: input.name } })),
    });
    const caller = createCallerFactory(canary)(await createTRPCContext({ headers: alice.headers }));
    const bTeam = await prisma.team.findUniqueOrThrow({ where: { id: B.team } });
    try {
      const { problems } = await probe(caller, listProcedures(canary as AnyTRPCRouter));
      expect(problems.some((p) => p.startsWith("peek") && p.includes("returned B's"))).toBe(true);
      expect(problems).toContain("scribble: changed B's rows");
    } finally {
      await prisma.team.update({ where: { id: B.team }, data: { name: bTeam.name, updatedAt: bTeam.updatedAt } });
    }
  });
});
