/**
 * The permission matrix, end to end: for each built-in role, a custom role, custom roles chosen so
 * every two permissions are told apart, and a guest holding an admin-like custom role, one member per subject calls a representative procedure for EVERY
 * permission in the matrix; each call must be allowed exactly when the subject's permissions (from
 * the matrix, not from the code under test) include it. A second test sweeps every tenant procedure
 * of appRouter and checks its gate against its declared permission for every subject.
 */
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "@/server/api/root";
import { createCallerFactory, createTRPCContext, createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { prisma } from "@/server/db/client";
import { allPermissions, builtInRoles, isPermission, rolePermissions, type Permission } from "@/server/domain/rbac/permissions";
import { signUpAndSignIn, type Caller, type SignedInUser } from "../helpers/auth";
import { callProcedure, listProcedures } from "../helpers/procedures";
import { addBareMember, joinTenant, setPlan } from "../helpers/tenancy";
import { errorShapeOf } from "../helpers/trpc-errors";

// The gate's refusal (src/server/api/trpc.ts tenantProcedure); other FORBIDDENs come from domain rules.
const GATE_MESSAGE = "Your role does not allow this";

let owner: SignedInUser;
let ownerProjectId: string;
let nobodyKey: string;
let nobody2Key: string;

interface Subject {
  label: string;
  caller: Caller;
  headers: Headers;
  expected: readonly Permission[];
}
const subjects: Subject[] = [];

const CUSTOM_SUBSET: Permission[] = ["project:create", "project:read", "project:update", "team:read", "team:manage", "member:read", "billing:read"];

beforeAll(async () => {
  owner = await signUpAndSignIn({ name: "Matrix owner" });
  await setPlan(owner.tenantId, "business");
  ownerProjectId = (await owner.caller.projects.create({ name: "Matrix project" })).id;
  nobodyKey = (await owner.caller.iamRoles.create({ name: "Nobody", permissions: [] })).key;
  nobody2Key = (await owner.caller.iamRoles.create({ name: "Nobody 2", permissions: [] })).key;

  for (const role of builtInRoles) {
    const m = await joinTenant(owner.tenantId, { role, memberType: role === "guest" ? "guest" : "member", name: `Matrix ${role}` });
    subjects.push({ label: `built-in ${role}`, caller: m.caller, headers: m.user.headers, expected: rolePermissions[role] });
  }
  const custom = await owner.caller.iamRoles.create({ name: "Project lead", permissions: CUSTOM_SUBSET });
  const lead = await joinTenant(owner.tenantId, { role: custom.key });
  subjects.push({ label: "custom Project lead", caller: lead.caller, headers: lead.user.headers, expected: [...CUSTOM_SUBSET, "tenant:read"] });

  // Custom roles by bit: role i holds the permissions whose position has bit i set, so any two
  // permissions are told apart by at least one subject (a procedure gated by the wrong one fails).
  const assignable = allPermissions.filter((p) => p !== "tenant:delete" && p !== "tenant:read");
  for (let bit = 0; 1 << bit < assignable.length; bit++) {
    const perms = assignable.filter((_, i) => (i >> bit) & 1);
    const role = await owner.caller.iamRoles.create({ name: `Bit ${bit}`, permissions: perms });
    const m = await joinTenant(owner.tenantId, { role: role.key });
    subjects.push({ label: `custom Bit ${bit}`, caller: m.caller, headers: m.user.headers, expected: [...perms, "tenant:read"] });
  }

  const adminLike = await owner.caller.iamRoles.create({ name: "Almost admin", permissions: allPermissions.filter((p) => p !== "tenant:delete") });
  const guest = await joinTenant(owner.tenantId, { role: adminLike.key, memberType: "guest" });
  // The guest ceiling, written out: whatever the role says, a guest does no more than this.
  subjects.push({ label: "guest with Almost admin", caller: guest.caller, headers: guest.user.headers, expected: ["project:read", "project:update", "tenant:read"] });
});

/** Calls a procedure that only needs `permission` (the real builder), for permissions no router uses yet. */
async function gateProbe(headers: Headers, permission: Permission) {
  const probeRouter = createTRPCRouter({ probe: tenantProcedure(permission).query(() => "ok" as const) });
  const caller = createCallerFactory(probeRouter)(await createTRPCContext({ headers }));
  return caller.probe();
}

interface Probe {
  call: (s: Subject) => Promise<unknown>;
  /** An error that still proves the gate let the call through (e.g. a deliberately wrong confirmation). */
  allowedAppCode?: string;
}

let nameCounter = 0;
const fresh = (prefix: string) => `${prefix} ${++nameCounter}`;

// One representative call per permission. Typed as a Record over Permission: a permission added to
// the matrix does not compile until it has a row here.
const table: Record<Permission, Probe> = {
  "project:create": { call: (s) => s.caller.projects.create({ name: fresh("Created") }) },
  "project:read": { call: (s) => s.caller.projects.list() },
  "project:update": { call: (s) => s.caller.projects.rename({ id: ownerProjectId, name: fresh("Renamed") }) },
  "project:delete": {
    call: async (s) => {
      const p = await prisma.project.create({ data: { tenantId: owner.tenantId, name: fresh("To delete") } });
      return s.caller.projects.delete({ id: p.id });
    },
  },
  "tenant:read": { call: (s) => s.caller.tenants.current() },
  "tenant:update": { call: (s) => s.caller.tenants.rename({ name: "Matrix workspace" }) },
  // Never the real name: reaching the confirmation check proves the gate passed, and the tenant survives.
  "tenant:delete": { call: (s) => s.caller.tenants.delete({ confirmation: "definitely not the name" }), allowedAppCode: "INVALID_INPUT" },
  "member:read": { call: (s) => s.caller.tenants.members.list() },
  "member:invite": { call: (s) => gateProbe(s.headers, "member:invite") },
  "member:update": {
    call: async (s) => {
      const target = await addBareMember(owner.tenantId, { role: nobodyKey });
      return s.caller.tenants.members.changeRole({ memberId: target.memberId, role: nobody2Key });
    },
  },
  "member:remove": {
    call: async (s) => {
      const target = await addBareMember(owner.tenantId, { role: nobodyKey });
      return s.caller.tenants.members.remove({ memberId: target.memberId });
    },
  },
  "team:read": { call: (s) => s.caller.tenants.teams.list() },
  "team:manage": { call: (s) => s.caller.tenants.teams.create({ name: fresh("Team") }) },
  "role:read": { call: (s) => s.caller.iamRoles.list() },
  "role:manage": { call: (s) => s.caller.iamRoles.create({ name: fresh("Role"), permissions: [] }) },
  "billing:read": { call: (s) => s.caller.billing.state() },
  "billing:manage": { call: (s) => gateProbe(s.headers, "billing:manage") },
  "usage:read": { call: (s) => gateProbe(s.headers, "usage:read") },
  "usage:record": { call: (s) => s.caller.usage.ingest({ metric: "api_calls", units: 1, idempotencyKey: `matrix-${++nameCounter}` }) },
};

type Outcome = "allowed" | "denied" | `unexpected: ${string}`;

async function outcomeOf(promise: Promise<unknown>, allowedAppCode?: string): Promise<Outcome> {
  try {
    await promise;
    return "allowed";
  } catch (error) {
    if (!(error instanceof TRPCError)) return `unexpected: ${String(error)}`;
    const appCode = errorShapeOf(error).data.appCode;
    if (error.code === "FORBIDDEN" && appCode === "FORBIDDEN" && error.message === GATE_MESSAGE) return "denied";
    if (allowedAppCode && appCode === allowedAppCode) return "allowed";
    return `unexpected: ${error.code}/${appCode} ${error.message}`;
  }
}

describe("permission matrix", () => {
  it("the table covers every permission of the matrix", () => {
    expect(Object.keys(table).sort()).toEqual([...allPermissions].sort());
  });

  it("each subject's resolved permissions are what the matrix says", async () => {
    for (const s of subjects) {
      expect({ who: s.label, permissions: [...(await s.caller.tenants.current()).permissions].sort() }).toEqual({
        who: s.label,
        permissions: [...s.expected].sort(),
      });
    }
  });

  it("every subject may call exactly the procedures its permissions allow", { timeout: 60_000 }, async () => {
    const got: string[] = [];
    const want: string[] = [];
    for (const s of subjects) {
      for (const permission of allPermissions) {
        const { call, allowedAppCode } = table[permission];
        got.push(`${s.label} ${permission}: ${await outcomeOf(call(s), allowedAppCode)}`);
        want.push(`${s.label} ${permission}: ${s.expected.includes(permission) ? "allowed" : "denied"}`);
      }
    }
    expect(got).toEqual(want);
    // Sanity: both outcomes occurred, so the test can tell them apart.
    expect(got.some((g) => g.endsWith("allowed")) && got.some((g) => g.endsWith("denied"))).toBe(true);
    // The workspace survived the tenant:delete probes.
    expect((await prisma.tenant.findUniqueOrThrow({ where: { id: owner.tenantId } })).deletedAt).toBeNull();
  });

  it("every tenant procedure of appRouter is gated by exactly its declared permission, for every subject", { timeout: 60_000 }, async () => {
    const tenantProcs = listProcedures(appRouter).filter((p) => p.meta?.scope === "tenant");
    expect(tenantProcs.length).toBeGreaterThan(15);
    const notAnInput = Symbol("not an input");
    const got: string[] = [];
    const want: string[] = [];
    for (const proc of tenantProcs) {
      const permission = proc.meta?.permission as string;
      expect(isPermission(permission), `${proc.path} declares a permission`).toBe(true);
      if (proc.inputs.length === 0 && proc.type !== "query") {
        throw new Error(`${proc.path} is a mutation without input: give it a row in the table above instead`);
      }
      for (const s of subjects) {
        // With input: a value no schema accepts, so an allowed call stops at input validation (after the gate).
        const outcome = await outcomeOf(callProcedure(s.caller, proc.path, proc.inputs.length > 0 ? notAnInput : undefined)).then((o) =>
          o.startsWith("unexpected: BAD_REQUEST/null") ? "allowed" : o,
        );
        got.push(`${s.label} ${proc.path} (${permission}): ${outcome}`);
        want.push(`${s.label} ${proc.path} (${permission}): ${s.expected.includes(permission as Permission) ? "allowed" : "denied"}`);
      }
    }
    expect(got).toEqual(want);
  });
});
