/**
 * Every procedure of appRouter, found at run time (so procedures added later are covered without
 * touching this file), called with malformed, hostile and cross-tenant inputs. Each kind of procedure
 * gets a caller that passes its access check, so input validation is really reached:
 * - workspace procedures: a tenant owner without any platform role (platform staff are refused there
 *   by design, PLATFORM_USER);
 * - platform procedures (meta.scope "platform"): a platform admin with no workspace and two-factor on;
 * - internal procedures: a system caller with the service token.
 * Each call must either succeed or fail with a client error (4xx), never INTERNAL_SERVER_ERROR.
 */
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "@/env";
import { appRouter, createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { prisma } from "@/server/db/client";
import { signUpAndSignIn, type Caller, type SignedInUser } from "../helpers/auth";
import { callProcedure, listProcedures, type ProcedureInfo } from "../helpers/procedures";
import { addBareMember, setPlan } from "../helpers/tenancy";
import { httpStatusOf } from "../helpers/trpc-errors";

let owner: SignedInUser;
let other: SignedInUser;
let staff: SignedInUser;
let service: Caller;
let otherProjectId: string;

const SERVICE_TOKEN = "bad-input-service-token-0123456789abcdefghij";
const originalToken = env.INTERNAL_SERVICE_TOKEN;

beforeAll(async () => {
  [owner, other, staff] = await Promise.all([
    signUpAndSignIn({ name: "Fuzzer" }),
    signUpAndSignIn({ name: "Victim" }),
    signUpAndSignIn({ name: "Fuzzing staff" }),
  ]);
  otherProjectId = (await other.caller.projects.create({ name: "Victim's project" })).id;
  // Room for the project the fuzzer creates per procedure (starter allows 3).
  await setPlan(owner.tenantId, "business");

  // Platform staff: a platform role, no workspace (its sign-up tenant removed), two-factor on. Any
  // email domain is allowed outside production. Its session was resolved at sign-in and stays valid.
  await prisma.tenant.delete({ where: { id: staff.tenantId } });
  await prisma.platformRoleAssignment.create({ data: { userId: staff.userId, role: "platform_admin" } });
  await prisma.user.update({ where: { id: staff.userId }, data: { twoFactorEnabled: true } });

  // src/env.ts is parsed once per process: switch the service token on for this file.
  env.INTERNAL_SERVICE_TOKEN = SERVICE_TOKEN;
  service = createCaller(await createTRPCContext({ headers: new Headers({ authorization: `Bearer ${SERVICE_TOKEN}` }), session: null }));
});

afterAll(() => {
  env.INTERNAL_SERVICE_TOKEN = originalToken;
});

/** The caller that passes this procedure's access check. */
function callerOf(proc: ProcedureInfo): Caller {
  if (proc.path.startsWith("internal.")) return service;
  if (proc.meta?.scope === "platform") return staff.caller;
  return owner.caller;
}

const HUGE = "a".repeat(100_000);

/** Values that are wrong for almost any field. */
function hostileValues(): unknown[] {
  return [
    undefined,
    null,
    0,
    -1,
    1e308,
    Number.NaN,
    true,
    "",
    " ",
    "x",
    HUGE,
    "\u0000",
    "\uD800 lone surrogate",
    "'; DROP TABLE users; --",
    "../../etc/passwd",
    "🙂".repeat(50),
    {},
    [],
    [1, 2, 3],
    { nested: { deeply: ["x"] } },
    new Date(0),
    new Map([["a", 1]]),
    new Set([1]),
    10n,
    /regex/,
    "01970000-0000-7000-8000-000000000000", // a well-formed id that does not exist
    otherTenantIdPlaceholder,
    otherProjectIdPlaceholder,
  ];
}
// Resolved when the values are used (after beforeAll).
const otherTenantIdPlaceholder = Symbol("other tenant id");
const otherProjectIdPlaceholder = Symbol("other tenant's project id");
const resolve = (v: unknown): unknown =>
  v === otherTenantIdPlaceholder ? other.tenantId : v === otherProjectIdPlaceholder ? otherProjectId : v;

let fuzzEmailCounter = 0;

/** The caller's own objects, fresh per procedure (a delete among the cases may remove them). */
interface OwnIds {
  projectId: string;
  teamId: string;
  memberId: string;
  roleId: string;
}

/**
 * A believable value for a field, by name, so inputs that pass validation still reach the domain
 * code. Ids are another tenant's (expect NOT_FOUND) or, with `own`, the caller's own objects.
 */
function plausibleValue(key: string, own: OwnIds | null): unknown {
  if (key === "tenantId") return own ? owner.tenantId : other.tenantId;
  if (own && key === "teamId") return own.teamId;
  if (own && key === "memberId") return own.memberId;
  if (own && key === "roleId") return own.roleId;
  if (key === "id" || key.endsWith("Id")) return own ? own.projectId : otherProjectId;
  if (key === "role") return "member";
  if (key === "memberType") return "member";
  if (key === "permissions") return ["project:read"];
  // A new address reaches Better Auth (and costs a password hash); the caller's own is refused early as taken.
  if (key === "email") return own ? owner.email : `fuzz-${++fuzzEmailCounter}@example.com`;
  if (key === "password") return "fuzz-password-123";
  if (key === "consents") return { terms: true, marketingEmails: false };
  if (key === "locale") return "en";
  if (key === "name") return "Fuzzed name";
  return "x";
}

/** The top-level keys of the procedure's object input(s), read from the zod schemas. */
function inputKeys(proc: ProcedureInfo): string[] {
  const keys = new Set<string>();
  for (const parser of proc.inputs) {
    const shape = (parser as { shape?: Record<string, unknown> }).shape;
    if (shape && typeof shape === "object") for (const k of Object.keys(shape)) keys.add(k);
  }
  return [...keys];
}

type Case = { label: string; input: () => unknown };

function badInputsFor(proc: ProcedureInfo, ownIds: OwnIds): Case[] {
  const cases: Case[] = [];
  for (const v of hostileValues()) cases.push({ label: `input=${describeValue(v)}`, input: () => resolve(v) });
  cases.push({
    label: "input=__proto__ pollution",
    input: () => JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'),
  });

  const keys = inputKeys(proc);
  if (keys.length > 0) {
    // Each field spoiled in turn while the others look right: first around another tenant's ids,
    // then around the caller's own (so a bad name reaches e.g. the rename of a project that exists).
    for (const own of [null, ownIds]) {
      const where = own ? "own ids" : "other tenant's ids";
      const base = () => Object.fromEntries(keys.map((k) => [k, plausibleValue(k, own)]));
      cases.push({ label: `plausible (${where})`, input: base });
      cases.push({ label: `plausible (${where}) + unknown keys`, input: () => ({ ...base(), tenantId: other.tenantId, isAdmin: true }) });
      for (const key of keys) {
        for (const v of hostileValues()) cases.push({ label: `${key}=${describeValue(v)} (${where})`, input: () => ({ ...base(), [key]: resolve(v) }) });
        cases.push({
          label: `${key} missing (${where})`,
          input: () => {
            const { [key]: _omitted, ...without } = base();
            return without;
          },
        });
      }
    }
  }
  return cases;
}

function describeValue(v: unknown): string {
  if (v === otherTenantIdPlaceholder) return "<other tenant id>";
  if (v === otherProjectIdPlaceholder) return "<other tenant's project id>";
  if (typeof v === "string") return v.length > 30 ? `"${v.slice(0, 10)}…"(${v.length})` : JSON.stringify(v);
  if (typeof v === "bigint") return `${v}n`;
  if (v instanceof Map || v instanceof Set || v instanceof Date || v instanceof RegExp) return v.constructor.name;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

// Refusals that mean the wrong caller was used: then the input was never looked at.
const ACCESS_REFUSALS = new Set(["UNAUTHENTICATED", "PLATFORM_USER", "TWO_FACTOR_REQUIRED", "NO_ACTIVE_TENANT"]);

describe("bad input to every procedure", () => {
  it("finds the procedures of appRouter at run time", () => {
    const paths = listProcedures(appRouter).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(["me.signUp", "projects.create", "projects.rename", "projects.delete", "tenants.switch"]));
    const withInput = listProcedures(appRouter).filter((p) => p.inputs.length > 0);
    expect(withInput.length).toBeGreaterThanOrEqual(6);
  });

  // Long: every me.signUp input that parses costs a password hash, also for an address that already has an
  // account (it must answer as slowly as a new one), and it gets hundreds of them.
  it("answers every bad input with a 4xx TRPCError, never INTERNAL_SERVER_ERROR", { timeout: 300_000 }, async () => {
    const problems: string[] = [];
    const summary: Record<string, { calls: number; rejected: number; codes: Set<string> }> = {};

    for (const proc of listProcedures(appRouter)) {
      if (proc.type === "subscription") continue;
      const stats = (summary[proc.path] = { calls: 0, rejected: 0, codes: new Set<string>() });
      const ownIds: OwnIds = {
        projectId: (await owner.caller.projects.create({ name: `Fuzzer's ${proc.path}` })).id,
        teamId: (await owner.caller.tenants.teams.create({ name: `Fuzzer's ${proc.path}` })).id,
        memberId: (await addBareMember(owner.tenantId, { role: "guest", memberType: "guest" })).memberId,
        roleId: (await owner.caller.iamRoles.create({ name: `Fuzzer's ${proc.path}`, permissions: [] })).id,
      };
      const caller = callerOf(proc);
      for (const { label, input } of badInputsFor(proc, ownIds)) {
        stats.calls++;
        // A rate-limited procedure (meta.rateLimit) refuses before parsing input once the fuzzer's
        // allowance is used up: start each call with a fresh window so the input is really looked at.
        if (proc.meta?.rateLimit) await prisma.rateLimitBucket.deleteMany();
        try {
          await callProcedure(caller, proc.path, input());
        } catch (error) {
          stats.rejected++;
          if (!(error instanceof TRPCError)) {
            problems.push(`${proc.path} (${label}): threw ${String(error)} instead of a TRPCError`);
            continue;
          }
          stats.codes.add(error.code);
          const appCode = (error.cause as { code?: unknown } | undefined)?.code;
          if (typeof appCode === "string" && ACCESS_REFUSALS.has(appCode)) {
            problems.push(`${proc.path} (${label}): the caller did not get past the access check (${appCode}: ${error.message})`);
          }
          const status = httpStatusOf(error);
          if (error.code === "INTERNAL_SERVER_ERROR" || status < 400 || status >= 500) {
            const cause = error.cause as { name?: string; code?: string; message?: string } | undefined;
            const why = `${cause?.name ?? ""} ${cause?.code ?? ""} ${(cause?.message ?? error.message).split("\n").filter(Boolean).at(-1)?.slice(0, 200) ?? ""}`;
            problems.push(`${proc.path} (${label}): ${error.code} ${status} — ${why}`);
          }
        }
      }
      // A procedure that takes input must refuse at least some of this garbage.
      if (proc.inputs.length > 0 && !stats.codes.has("BAD_REQUEST")) {
        problems.push(`${proc.path}: accepted every malformed input (no BAD_REQUEST at all)`);
      }
    }

    expect(problems, problems.join("\n")).toEqual([]);
    // The call really exercised the procedures with input.
    const withInput = listProcedures(appRouter).filter((p) => p.inputs.length > 0);
    for (const p of withInput) expect(summary[p.path]!.rejected, p.path).toBeGreaterThan(20);
  });

  it("left the other tenant's data alone", async () => {
    const victimProject = await prisma.project.findUniqueOrThrow({ where: { id: otherProjectId } });
    expect(victimProject).toMatchObject({ name: "Victim's project", deletedAt: null, tenantId: other.tenantId });
    // The fuzzer's sessions may have moved (tenants.create makes the new workspace active), never into the victim's.
    const fuzzerSessions = await prisma.session.findMany({ where: { userId: owner.userId } });
    expect(fuzzerSessions.some((s) => s.activeOrganizationId === other.tenantId)).toBe(false);
    expect(await prisma.tenantMember.count({ where: { tenantId: other.tenantId, userId: owner.userId } })).toBe(0);
    expect(await prisma.project.count({ where: { tenantId: other.tenantId } })).toBe(1);
    expect(await prisma.auditLog.count({ where: { tenantId: other.tenantId, actorUserId: owner.userId } })).toBe(0);
  });
});
