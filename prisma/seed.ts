/**
 * The demo data: the personas of src/server/seed/personas.ts, each able to sign in with
 * DEMO_PASSWORD, with realistic tenants, projects, memberships (one user in two tenants), custom roles,
 * teams, pending invitations, audit history and consents.
 *
 *   npm run db:seed        (DATABASE_URL, else the embedded PostgreSQL: reused if running, else started)
 *   seed(prisma)           (the dev launcher seeds an empty database in-process)
 *
 * Idempotent: rows have fixed ids (UUIDv5 of a name) or natural keys (email, slug, tenant+user), so a
 * second run finds everything and writes nothing. It also repairs demo state that drifted: a persona's
 * plan, billing state, role, verified email and password are put back, a custom role's name, description
 * and permissions too, and an expired trial, grace period or demo invitation is moved into the future
 * again. Projects, teams and their members, audit rows and consents are only ever added.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { hashPassword, symmetricDecrypt, symmetricEncrypt, verifyPassword } from "better-auth/crypto";
import type { Prisma } from "@/generated/prisma/client";
import { resolveAuthSecret } from "@/server/auth-secret";
import type { Db, DbTx } from "@/server/db/client";
import { DEFAULT_PLAN, isPlanId, plans } from "@/server/domain/plans/plans";
import { emailTemplates, isEmailTemplate } from "@/server/domain/notifications/send-email";
import { CURRENT_POLICY_VERSION } from "@/server/domain/privacy/consents";
import { normalizeRolePermissions } from "@/server/domain/rbac/iam-roles";
import { builtInRoles, isBuiltInRole } from "@/server/domain/rbac/permissions";
import { seedBillingHistory } from "@/server/seed/billing-history";
import { seedUsageHistory, type UsageHistoryTarget } from "@/server/seed/usage-history";
import {
  DEMO_PASSWORD,
  DEMO_TOTP_SECRET,
  demoJobs,
  getPersona,
  personas,
  type DemoCustomRole,
  type DemoInvitation,
  type DemoMembership,
  type Persona,
  type PersonaKey,
} from "@/server/seed/personas";
import { DAY_MS } from "@/lib/time";

export class SeedError extends Error {
  override name = "SeedError";
}

// ---------- fixed ids ----------

const SEED_NAMESPACE = "6d1f1b52-3c4e-4b8a-9a57-5f0c2f1e8a31";

/** A deterministic UUID (version 5, RFC 9562) for a seed row: the same name gives the same id everywhere. */
export function seedId(name: string): string {
  const hash = createHash("sha1").update(Buffer.from(SEED_NAMESPACE.replaceAll("-", ""), "hex")).update(name).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---------- seed-only facts about each persona (how long ago things happened) ----------

/** How many days ago each persona signed up (and created their tenant). */
const AGE_DAYS: Record<PersonaKey, number> = {
  trial: 4, // a 14-day starter trial that ends in 10 days
  paid: 420,
  pastDue: 180,
  canceled: 300,
  outOfCredits: 75,
  guest: 60,
  multiTenant: 150,
  analyst: 90,
  platformAdmin: 700,
};

/**
 * How many days ago a persona joined another persona's tenant, by tenant owner; when not given, the day
 * they signed up. A persona's memberships must come out oldest first (checkPersonas): a new session
 * starts in the oldest one, so the multi-tenant persona starts in Northwind, where they are an admin.
 */
const JOINED_DAYS_AGO: Partial<Record<PersonaKey, Partial<Record<PersonaKey, number>>>> = {
  multiTenant: { paid: 150, trial: 2 },
};

/** How many days ago a tenant's custom roles and teams were made, by "<slug>:role:<key>" / "<slug>:team:<name>". */
const CREATED_DAYS_AGO: Record<string, number> = {
  "northwind-analytics:role:analyst": 100,
  "northwind-analytics:team:Data Science": 140,
};

/** Billing history for the audit log: [days ago, from, to]. */
const BILLING_HISTORY: Partial<Record<PersonaKey, [number, string, string][]>> = {
  paid: [[406, "trial", "active"]],
  pastDue: [
    [166, "trial", "active"],
    [3, "active", "past_due"],
  ],
  canceled: [
    [286, "trial", "active"],
    [21, "active", "canceled"],
  ],
  outOfCredits: [[61, "trial", "active"]],
};

// ---------- helpers ----------

/** The tenant-owning persona a membership points at (checked by checkPersonas). */
function ownerOf(m: DemoMembership): Persona {
  const owner = personas.find((p) => p.key === m.persona);
  if (!owner?.tenant) throw new SeedError(`Persona ${m.persona} owns no tenant, so nobody can be a member of it.`);
  return owner;
}

function joinedDaysAgo(persona: Persona, m: DemoMembership): number {
  return JOINED_DAYS_AGO[persona.key]?.[m.persona] ?? AGE_DAYS[persona.key];
}

/** The personas in `owner`'s tenant: the owner, then every persona with a membership in it. */
function tenantPeople(owner: Persona): { persona: Persona; role: string; memberType: "member" | "guest" }[] {
  const people: { persona: Persona; role: string; memberType: "member" | "guest" }[] = [{ persona: owner, role: "owner", memberType: "member" }];
  for (const p of personas) {
    for (const m of p.memberships ?? []) if (m.persona === owner.key) people.push({ persona: p, role: m.role, memberType: m.memberType });
  }
  return people;
}

/** A custom role as the app would store it (iam-roles.ts rules); SeedError when personas.ts breaks one. */
function customRolePermissions(slug: string, role: DemoCustomRole): string[] {
  if (isBuiltInRole(role.key) || (builtInRoles as readonly string[]).includes(role.name.toLowerCase())) {
    throw new SeedError(`Custom role "${role.name}" (${slug}) uses a built-in role's name or key.`);
  }
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(role.key) || role.key.length > 40) {
    throw new SeedError(`Custom role key "${role.key}" (${slug}) is not a slug of at most 40 characters, as iam-roles.ts derives keys.`);
  }
  try {
    return normalizeRolePermissions(role.permissions);
  } catch (error) {
    throw new SeedError(`Custom role "${role.name}" (${slug}): ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The persona data holds together before anything is written: memberships point at tenants and at
 * roles those tenants have, are oldest first and no older than the tenant; team members belong to the
 * tenant; invitations go to addresses without an account; and every tenant fits its plan's seats.
 */
function checkPersonas(): void {
  const emails = new Set(personas.map((p) => p.email.toLowerCase()));
  for (const persona of personas) {
    const seen = new Set<PersonaKey>(persona.tenant ? [persona.key] : []);
    let previousAge = Infinity;
    for (const m of persona.memberships ?? []) {
      const owner = ownerOf(m);
      if (seen.has(m.persona)) throw new SeedError(`Persona ${persona.key} belongs to ${owner.tenant!.name} twice.`);
      seen.add(m.persona);
      if (m.role === "owner") throw new SeedError(`Persona ${persona.key}: tenants have one owner, their own persona.`);
      if (!isBuiltInRole(m.role) && !owner.tenant!.roles?.some((r) => r.key === m.role)) {
        throw new SeedError(`Persona ${persona.key} has role "${m.role}", which ${owner.tenant!.name} does not have.`);
      }
      if (m.memberType === "guest" && isBuiltInRole(m.role) && m.role !== "guest") {
        throw new SeedError(`Persona ${persona.key}: guests get the guest role or a custom role.`);
      }
      const age = joinedDaysAgo(persona, m);
      if (age > AGE_DAYS[m.persona]) throw new SeedError(`Persona ${persona.key} joined ${owner.tenant!.name} before it existed.`);
      if (age >= previousAge) throw new SeedError(`Persona ${persona.key}: list memberships oldest first (the first is where sessions start).`);
      previousAge = age;
    }
  }
  for (const owner of personas) {
    const t = owner.tenant;
    if (!t) continue;
    const people = tenantPeople(owner);
    for (const team of t.teams ?? []) {
      for (const key of team.members) {
        if (!people.some((x) => x.persona.key === key)) throw new SeedError(`Team "${team.name}" of ${t.name} lists ${key}, who is not in the tenant.`);
      }
    }
    for (const inv of t.invitations ?? []) {
      if (emails.has(inv.email.toLowerCase())) {
        throw new SeedError(`The invitation to ${inv.email} (${t.name}) goes to a persona: signing in would accept it at once.`);
      }
      if (!isBuiltInRole(inv.role) && !t.roles?.some((r) => r.key === inv.role)) {
        throw new SeedError(`The invitation to ${inv.email} offers role "${inv.role}", which ${t.name} does not have.`);
      }
    }
    const limits = plans[isPlanId(t.plan) ? t.plan : DEFAULT_PLAN].limits;
    for (const type of ["member", "guest"] as const) {
      const used = people.filter((x) => x.memberType === type).length + (t.invitations ?? []).filter((i) => i.memberType === type).length;
      const limit = type === "member" ? limits.seats : limits.guests;
      if (used > limit) throw new SeedError(`${t.name} (${t.plan}) allows ${limit} ${type}s but the personas give it ${used}, invitations included.`);
    }
  }
}

/** The fields of `desired` whose value differs from `current` (dates compared by time). */
function changedFields<T extends Record<string, unknown>>(current: Record<string, unknown>, desired: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, value] of Object.entries(desired) as [keyof T & string, unknown][]) {
    const now = current[key];
    const same = value instanceof Date && now instanceof Date ? value.getTime() === now.getTime() : Object.is(value, now);
    if (!same) out[key] = value as T[typeof key];
  }
  return out;
}

const isEmpty = (o: object) => Object.keys(o).length === 0;
const daysAgo = (now: Date, days: number, minutes = 0) => new Date(now.getTime() - days * DAY_MS + minutes * 60_000);
const inDays = (now: Date, days: number) => new Date(now.getTime() + days * DAY_MS);

export interface SeedResult {
  personas: number;
  /** Rows written by this run, by table ("0 everywhere" on a second run). */
  created: Record<string, number>;
  updated: Record<string, number>;
  ms: number;
}

type Counts = Record<string, number>;
const bump = (c: Counts, table: string, n = 1) => {
  if (n > 0) c[table] = (c[table] ?? 0) + n;
};

/**
 * Password hashes for the personas whose credential account is missing or no longer accepts
 * DEMO_PASSWORD. Better Auth's own hasher (scrypt), so its sign-in verifies them; done before the
 * transaction because each hash takes ~70 ms of CPU.
 */
async function passwordHashesNeeded(db: Db): Promise<Map<string, string>> {
  const emails = personas.map((p) => p.email);
  const accounts = await db.account.findMany({
    where: { providerId: "credential", user: { email: { in: emails } } },
    select: { password: true, user: { select: { email: true } } },
  });
  const valid = new Set<string>();
  await Promise.all(
    accounts.map(async (a) => {
      const ok = a.password ? await verifyPassword({ hash: a.password, password: DEMO_PASSWORD }).catch(() => false) : false;
      if (ok) valid.add(a.user.email);
    }),
  );
  const missing = emails.filter((e) => !valid.has(e));
  return new Map(await Promise.all(missing.map(async (e) => [e, await hashPassword(DEMO_PASSWORD)] as const)));
}

// ---------- the seed ----------

/**
 * Creates (or repairs) the demo personas in one transaction. Safe to run any number of times.
 * `authSecret`: the BETTER_AUTH_SECRET the app will run with (the platform admin's TOTP secret is stored
 * encrypted with it); defaults to the one src/server/auth.ts resolves in this environment. A caller that
 * starts the app with another secret (scripts/e2e-server.ts) must pass that one.
 */
export async function seed(db: Db, opts: { now?: Date; authSecret?: string } = {}): Promise<SeedResult> {
  const started = Date.now();
  const now = opts.now ?? new Date();
  const authSecret = personas.some((p) => p.twoFactor) ? (opts.authSecret ?? defaultAuthSecret()) : "";
  const created: Counts = {};
  const updated: Counts = {};
  checkPersonas();
  const hashes = await passwordHashesNeeded(db);

  const tenantIds = new Map<PersonaKey, string>();
  await db.$transaction(
    async (tx: DbTx) => {
      // Two seeds at once (the launcher and an e2e setup) take turns instead of racing on the same rows.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('saas-template-seed'))`;

      const userIds = new Map<PersonaKey, string>();
      /** tenant_members ids by "<owner persona>/<persona>". */
      const memberIds = new Map<string, string>();

      for (const persona of personas) {
        userIds.set(persona.key, await upsertUser(tx, persona, now, hashes, created, updated));
      }
      for (const persona of personas) {
        if (!persona.tenant) continue;
        const tenantId = await upsertTenant(tx, persona, now, created, updated);
        const ownerId = userIds.get(persona.key)!;
        tenantIds.set(persona.key, tenantId);
        memberIds.set(
          `${persona.key}/${persona.key}`,
          await upsertMember(tx, { tenantId, userId: ownerId, role: "owner", memberType: "member" }, daysAgo(now, AGE_DAYS[persona.key]), created, updated),
        );
        await addProjects(tx, persona, tenantId, ownerId, now, created);
        await addTenantHistory(tx, persona, tenantId, ownerId, now, created);
        await upsertCustomRoles(tx, persona, tenantId, ownerId, now, created, updated);
      }
      for (const persona of personas) {
        const userId = userIds.get(persona.key)!;
        for (const [i, m] of (persona.memberships ?? []).entries()) {
          const owner = ownerOf(m);
          const tenantId = tenantIds.get(owner.key)!;
          const joinedAt = daysAgo(now, joinedDaysAgo(persona, m));
          const memberId = await upsertMember(tx, { tenantId, userId, role: m.role, memberType: m.memberType }, joinedAt, created, updated);
          memberIds.set(`${owner.key}/${persona.key}`, memberId);
          await addAudit(tx, created, [
            {
              // The first membership keeps the id it had when a persona had at most one.
              id: seedId(i === 0 ? `audit:${persona.key}:member.added` : `audit:${persona.key}:member.added:${owner.tenant!.slug}`),
              tenantId,
              actorUserId: userIds.get(owner.key)!,
              action: "member.added",
              targetType: "member",
              targetId: memberId,
              metadata: { userId, role: m.role, memberType: m.memberType },
              createdAt: joinedAt,
            },
          ]);
        }
      }
      for (const persona of personas) {
        if (!persona.tenant) continue;
        const tenantId = tenantIds.get(persona.key)!;
        await addTeams(tx, persona, tenantId, userIds.get(persona.key)!, memberIds, now, created);
        for (const invitation of persona.tenant.invitations ?? []) {
          await upsertInvitation(tx, persona, tenantId, userIds.get(persona.key)!, invitation, now, created, updated);
        }
      }
      for (const persona of personas) {
        const userId = userIds.get(persona.key)!;
        if (persona.platformRole) {
          const role = persona.platformRole;
          const exists = await tx.platformRoleAssignment.findUnique({ where: { userId_role: { userId, role } }, select: { id: true } });
          if (!exists) {
            await tx.platformRoleAssignment.create({
              data: { id: seedId(`platform-role:${persona.key}:${role}`), userId, role, createdAt: daysAgo(now, AGE_DAYS[persona.key]) },
            });
            bump(created, "platform_role_assignments");
          }
          await addAudit(tx, created, [
            {
              id: seedId(`audit:${persona.key}:platform.role_granted`),
              tenantId: null,
              actorUserId: null,
              action: "platform.role_granted",
              targetType: "user",
              targetId: userId,
              metadata: { role },
              createdAt: daysAgo(now, AGE_DAYS[persona.key]),
            },
          ]);
        }
        if (persona.twoFactor) await upsertTwoFactor(tx, persona, userId, authSecret, now, created, updated);
        await addConsents(tx, persona, userId, now, created);
      }
      await addJobs(tx, userIds, tenantIds, now, created);
    },
    { maxWait: 15_000, timeout: 60_000 },
  );

  // After the commit: the history goes through the webhook inbox and processing, each in transactions of their own.
  const billing = await seedBillingHistory(
    db,
    personas.flatMap((p) =>
      p.tenant?.billing ? [{ tenantId: tenantIds.get(p.key)!, ownerEmail: p.email, ownerName: p.name, billing: p.tenant.billing }] : [],
    ),
    now,
  );
  if (billing.events > 0) created.billing_payment_events = billing.events;

  const usageTargets: UsageHistoryTarget[] = [];
  for (const p of personas) {
    if (!p.tenant?.usage) continue;
    const tenantId = tenantIds.get(p.key)!;
    const [members, projects] = await Promise.all([
      db.tenantMember.findMany({ where: { tenantId }, orderBy: { createdAt: "asc" }, select: { userId: true, memberType: true } }),
      db.project.findMany({ where: { tenantId, deletedAt: null }, orderBy: { createdAt: "asc" }, select: { id: true } }),
    ]);
    usageTargets.push({
      tenantId,
      plan: p.tenant.plan,
      actors: members.map((m) => ({ userId: m.userId, type: m.memberType })),
      projectIds: projects.map((x) => x.id),
      usage: p.tenant.usage,
    });
  }
  const usageEvents = await seedUsageHistory(db, usageTargets, now);
  if (usageEvents > 0) created.usage_events = usageEvents;

  return { personas: personas.length, created, updated, ms: Date.now() - started };
}

async function upsertUser(tx: DbTx, persona: Persona, now: Date, hashes: Map<string, string>, created: Counts, updated: Counts): Promise<string> {
  const email = persona.email.toLowerCase();
  const desired = { name: persona.name, emailVerified: true, banned: false, ...(persona.twoFactor ? { twoFactorEnabled: true } : {}) };
  let user = await tx.user.findUnique({ where: { email }, select: { id: true, name: true, emailVerified: true, banned: true, twoFactorEnabled: true } });
  if (!user) {
    const at = daysAgo(now, AGE_DAYS[persona.key]);
    user = await tx.user.create({
      data: { id: seedId(`user:${persona.key}`), email, ...desired, role: "user", createdAt: at, updatedAt: at },
      select: { id: true, name: true, emailVerified: true, banned: true, twoFactorEnabled: true },
    });
    bump(created, "users");
  } else {
    const changes = changedFields(user, desired);
    if (!isEmpty(changes)) {
      await tx.user.update({ where: { id: user.id }, data: changes });
      bump(updated, "users");
    }
  }

  const hash = hashes.get(email);
  const account = await tx.account.findFirst({ where: { userId: user.id, providerId: "credential" }, select: { id: true } });
  if (!account) {
    const password = hash ?? (await hashPassword(DEMO_PASSWORD));
    await tx.account.create({
      data: { id: seedId(`account:${persona.key}:credential`), accountId: user.id, providerId: "credential", userId: user.id, password },
    });
    bump(created, "user_accounts");
  } else if (hash) {
    await tx.account.update({ where: { id: account.id }, data: { password: hash } });
    bump(updated, "user_accounts");
  }
  return user.id;
}

/** The secret src/server/auth.ts resolves here: BETTER_AUTH_SECRET, else (not production) .data/auth-secret. */
function defaultAuthSecret(): string {
  return resolveAuthSecret({
    BETTER_AUTH_SECRET: process.env.BETTER_AUTH_SECRET || undefined,
    NODE_ENV: process.env.NODE_ENV === "production" ? "production" : "development",
  });
}

/**
 * The persona's TOTP factor, stored the way Better Auth's twoFactor plugin stores one after
 * `/two-factor/enable` + a verified code: the secret and the backup codes (none here) encrypted with the
 * auth secret (symmetricEncrypt), verified. Written directly because the plugin's API always picks a
 * random secret. Rewritten only when the stored secret does not decrypt to DEMO_TOTP_SECRET under this
 * auth secret (another BETTER_AUTH_SECRET, a new .data/auth-secret), or the factor was disabled or locked.
 */
async function upsertTwoFactor(tx: DbTx, persona: Persona, userId: string, authSecret: string, now: Date, created: Counts, updated: Counts) {
  const existing = await tx.twoFactor.findFirst({ where: { userId }, select: { id: true, secret: true, verified: true, lockedUntil: true } });
  if (existing) {
    const stored = await symmetricDecrypt({ key: authSecret, data: existing.secret }).catch(() => null);
    const locked = !!existing.lockedUntil && existing.lockedUntil.getTime() > now.getTime();
    if (stored === DEMO_TOTP_SECRET && existing.verified === true && !locked) return;
  }
  const data = {
    secret: await symmetricEncrypt({ key: authSecret, data: DEMO_TOTP_SECRET }),
    backupCodes: await symmetricEncrypt({ key: authSecret, data: JSON.stringify([]) }),
    verified: true,
    failedVerificationCount: 0,
    lockedUntil: null,
  };
  if (!existing) {
    await tx.twoFactor.create({ data: { id: seedId(`two-factor:${persona.key}`), userId, ...data } });
    bump(created, "user_two_factors");
  } else {
    await tx.twoFactor.update({ where: { id: existing.id }, data });
    bump(updated, "user_two_factors");
  }
}

async function upsertTenant(tx: DbTx, persona: Persona, now: Date, created: Counts, updated: Counts): Promise<string> {
  const t = persona.tenant!;
  const existing = await tx.tenant.findUnique({ where: { slug: t.slug } });
  const stillFuture = (d: Date | null | undefined) => !!d && d.getTime() > now.getTime();

  // Dates describe the state, relative to now; an existing date that still holds is kept (no write).
  const trialEndsAt =
    t.billingState === "trial" ? (stillFuture(existing?.trialEndsAt) ? existing!.trialEndsAt : inDays(now, t.trialEndsInDays ?? 14)) : (existing?.trialEndsAt ?? null);
  const graceEndsAt =
    t.billingState === "past_due" ? (stillFuture(existing?.graceEndsAt) ? existing!.graceEndsAt : inDays(now, t.graceEndsInDays ?? 7)) : null;
  const desired = { name: t.name, plan: t.plan, billingState: t.billingState, trialEndsAt, graceEndsAt, deletedAt: null };

  if (!existing) {
    const at = daysAgo(now, AGE_DAYS[persona.key]);
    const tenant = await tx.tenant.create({
      data: { id: seedId(`tenant:${t.slug}`), slug: t.slug, ...desired, createdAt: at, updatedAt: at },
      select: { id: true },
    });
    bump(created, "tenants");
    return tenant.id;
  }
  const changes = changedFields(existing, desired);
  if (!isEmpty(changes)) {
    await tx.tenant.update({ where: { id: existing.id }, data: changes });
    bump(updated, "tenants");
  }
  return existing.id;
}

async function upsertMember(
  tx: DbTx,
  m: { tenantId: string; userId: string; role: string; memberType: "member" | "guest" },
  joinedAt: Date,
  created: Counts,
  updated: Counts,
): Promise<string> {
  const existing = await tx.tenantMember.findUnique({
    where: { tenantId_userId: { tenantId: m.tenantId, userId: m.userId } },
    select: { id: true, role: true, memberType: true },
  });
  if (!existing) {
    const row = await tx.tenantMember.create({ data: { ...m, createdAt: joinedAt }, select: { id: true } });
    bump(created, "tenant_members");
    return row.id;
  }
  const changes = changedFields(existing, { role: m.role, memberType: m.memberType });
  if (!isEmpty(changes)) {
    await tx.tenantMember.update({ where: { id: existing.id }, data: changes });
    bump(updated, "tenant_members");
  }
  return existing.id;
}

/**
 * The tenant's custom roles (iam_roles), stored as iam-roles.ts stores them (permissions normalised:
 * known, "tenant:read" added, matrix order); a drifted name, description or permission set is put back.
 */
async function upsertCustomRoles(tx: DbTx, persona: Persona, tenantId: string, ownerId: string, now: Date, created: Counts, updated: Counts) {
  const t = persona.tenant!;
  for (const role of t.roles ?? []) {
    const permissions = customRolePermissions(t.slug, role);
    const desired = { name: role.name, description: role.description };
    const existing = await tx.iamRole.findUnique({
      where: { tenantId_key: { tenantId, key: role.key } },
      select: { id: true, name: true, description: true, permissions: true },
    });
    const at = daysAgo(now, CREATED_DAYS_AGO[`${t.slug}:role:${role.key}`] ?? AGE_DAYS[persona.key]);
    let roleId: string;
    if (!existing) {
      const row = await tx.iamRole.create({
        data: { id: seedId(`iam-role:${t.slug}:${role.key}`), tenantId, key: role.key, ...desired, permissions, createdAt: at, updatedAt: at },
        select: { id: true },
      });
      bump(created, "iam_roles");
      roleId = row.id;
    } else {
      roleId = existing.id;
      const changes: Prisma.IamRoleUpdateInput = changedFields(existing, desired);
      const samePermissions = existing.permissions.length === permissions.length && existing.permissions.every((p, i) => p === permissions[i]);
      if (!samePermissions) changes.permissions = permissions;
      if (!isEmpty(changes)) {
        await tx.iamRole.update({ where: { id: existing.id }, data: changes });
        bump(updated, "iam_roles");
      }
    }
    await addAudit(tx, created, [
      {
        id: seedId(`audit:${t.slug}:role.created:${role.key}`),
        tenantId,
        actorUserId: ownerId,
        action: "role.created",
        targetType: "iam_role",
        targetId: roleId,
        metadata: { key: role.key, name: role.name, permissions },
        createdAt: at,
      },
    ]);
  }
}

/** The tenant's teams and their members (only ever added), with the audit rows the app writes. */
async function addTeams(tx: DbTx, persona: Persona, tenantId: string, ownerId: string, memberIds: Map<string, string>, now: Date, created: Counts) {
  const t = persona.tenant!;
  for (const team of t.teams ?? []) {
    const teamAge = CREATED_DAYS_AGO[`${t.slug}:team:${team.name}`] ?? AGE_DAYS[persona.key];
    const at = daysAgo(now, teamAge);
    let row = await tx.team.findUnique({ where: { tenantId_name: { tenantId, name: team.name } }, select: { id: true } });
    if (!row) {
      row = await tx.team.create({
        data: { id: seedId(`team:${t.slug}:${team.name}`), tenantId, name: team.name, createdAt: at, updatedAt: at },
        select: { id: true },
      });
      bump(created, "teams");
    }
    const teamId = row.id;
    const audit: AuditRow[] = [
      { id: seedId(`audit:${t.slug}:team.created:${team.name}`), tenantId, actorUserId: ownerId, action: "team.created", targetType: "team", targetId: teamId, metadata: { name: team.name }, createdAt: at },
    ];
    const members = team.members.map((key, i) => {
      const member = personas.find((p) => p.key === key)!;
      const membership = member.memberships?.find((m) => m.persona === persona.key);
      // Added when the team was made, or when they joined the tenant if that was later.
      const addedDaysAgo = Math.min(teamAge, membership ? joinedDaysAgo(member, membership) : teamAge);
      return {
        id: seedId(`team-member:${t.slug}:${team.name}:${key}`),
        tenantId,
        teamId,
        memberId: memberIds.get(`${persona.key}/${key}`)!,
        createdAt: daysAgo(now, addedDaysAgo, i + 1),
      };
    });
    const { count } = await tx.teamMember.createMany({ data: members, skipDuplicates: true });
    bump(created, "team_members", count);
    const rows = await tx.teamMember.findMany({ where: { teamId, memberId: { in: members.map((m) => m.memberId) } }, select: { id: true, memberId: true } });
    for (const [i, m] of members.entries()) {
      const teamMemberId = rows.find((r) => r.memberId === m.memberId)?.id ?? m.id;
      audit.push({
        id: seedId(`audit:${t.slug}:team.member_added:${team.name}:${team.members[i]}`),
        tenantId,
        actorUserId: ownerId,
        action: "team.member_added",
        targetType: "team",
        targetId: teamId,
        metadata: { memberId: m.memberId, teamMemberId },
        createdAt: m.createdAt,
      });
    }
    await addAudit(tx, created, audit);
  }
}

/**
 * A pending invitation from the owner to an address without an account. One per tenant and address:
 * the pending one found (the seeded row, or one the app made since) is kept and repaired (role, member
 * type, inviter; an expiry that passed moves `expiresInDays` ahead again; a revoked seeded one is
 * pending again). Seeding sends no email (sendCount 0): "Resend" in the app delivers one to the dev
 * mailbox. Once someone has an account with the address it is left alone, as their next sign-in
 * accepts or has accepted it.
 */
async function upsertInvitation(
  tx: DbTx,
  persona: Persona,
  tenantId: string,
  ownerId: string,
  inv: DemoInvitation,
  now: Date,
  created: Counts,
  updated: Counts,
) {
  const t = persona.tenant!;
  const email = inv.email.toLowerCase();
  const taken = await tx.user.findFirst({ where: { email: { equals: email, mode: "insensitive" } }, select: { id: true } });
  if (taken) return;
  const fixedId = seedId(`invitation:${t.slug}:${email}`);
  const rows = await tx.tenantInvitation.findMany({
    where: { tenantId, email },
    orderBy: { createdAt: "desc" },
    select: { id: true, status: true, role: true, memberType: true, inviterId: true, expiresAt: true, acceptedAt: true, acceptedById: true, createdAt: true },
  });
  const existing = rows.find((r) => r.status === "pending") ?? rows.find((r) => r.id === fixedId);
  const stillFuture = !!existing && existing.status === "pending" && existing.expiresAt.getTime() > now.getTime();
  const desired = {
    status: "pending",
    role: inv.role,
    memberType: inv.memberType,
    inviterId: ownerId,
    expiresAt: stillFuture ? existing.expiresAt : inDays(now, inv.expiresInDays),
    acceptedAt: null,
    acceptedById: null,
  };
  let invitationId: string;
  let createdAt: Date;
  if (!existing) {
    const row = await tx.tenantInvitation.create({
      data: { id: fixedId, tenantId, email, ...desired, createdAt: now, lastSentAt: null, sendCount: 0 },
      select: { id: true, createdAt: true },
    });
    bump(created, "tenant_invitations");
    invitationId = row.id;
    createdAt = row.createdAt;
  } else {
    invitationId = existing.id;
    createdAt = existing.createdAt;
    const changes = changedFields(existing, desired);
    if (!isEmpty(changes)) {
      await tx.tenantInvitation.update({ where: { id: existing.id }, data: changes });
      bump(updated, "tenant_invitations");
    }
  }
  await addAudit(tx, created, [
    {
      id: seedId(`audit:${t.slug}:invitation.created:${email}`),
      tenantId,
      actorUserId: ownerId,
      action: "invitation.created",
      targetType: "invitation",
      targetId: invitationId,
      metadata: { role: inv.role, memberType: inv.memberType },
      createdAt,
    },
  ]);
}

function projectRows(persona: Persona, tenantId: string, ownerId: string, now: Date) {
  const t = persona.tenant!;
  const age = AGE_DAYS[persona.key];
  return t.projects.map((p, i) => {
    // Spread over the tenant's life, oldest first; the deleted one went away a while ago.
    const createdAt = daysAgo(now, Math.max(0, Math.round(age * (1 - (i + 0.5) / (t.projects.length + 0.5)))), -60 * (i + 1));
    const deletedAt = p.deleted ? daysAgo(now, Math.min(30, Math.floor(age / 2))) : null;
    return {
      id: seedId(`project:${t.slug}:${p.name}`),
      tenantId,
      name: p.name,
      createdById: ownerId,
      createdAt,
      updatedAt: deletedAt ?? createdAt,
      deletedAt,
    };
  });
}

async function addProjects(tx: DbTx, persona: Persona, tenantId: string, ownerId: string, now: Date, created: Counts) {
  const rows = projectRows(persona, tenantId, ownerId, now);
  const { count } = await tx.project.createMany({ data: rows, skipDuplicates: true });
  bump(created, "projects", count);
}

/**
 * The demo rows of the jobs table (personas.ts demoJobs), for the platform jobs page. Only ever added:
 * an admin's retry or cancel, or the runner finishing a job, is demo use, not drift to repair.
 */
async function addJobs(tx: DbTx, userIds: Map<PersonaKey, string>, tenantIds: Map<PersonaKey, string>, now: Date, created: Counts) {
  const minutes = (n: number) => new Date(now.getTime() + n * 60_000);
  const rows: Prisma.JobCreateManyInput[] = demoJobs.map((job) => {
    const createdAt = minutes(-job.createdMinutesAgo);
    const runAt = minutes(job.runInMinutes);
    const done = job.status === "succeeded" || job.status === "failed";
    const tenantId = tenantIds.get(job.persona);
    return {
      id: seedId(`job:${job.key}`),
      name: job.name,
      status: job.status,
      idempotencyKey: `seed:${job.key}`,
      // notifications.deliver takes the outbox row's id; the rest tells a reader of the jobs page what it was for.
      payload: { outboxId: seedId(`outbox:${job.key}`), ...job.payload, userId: userIds.get(job.persona)!, ...(tenantId ? { tenantId } : {}) },
      attempts: job.attempts,
      maxAttempts: job.maxAttempts,
      runAt,
      lastError: job.lastError ?? null,
      ...(job.result ? { result: job.result } : {}),
      startedAt: job.attempts > 0 ? (done ? runAt : minutes(-1)) : null,
      finishedAt: done ? minutes(Math.min(job.runInMinutes + 1, 0)) : null,
      createdAt,
      updatedAt: done ? minutes(Math.min(job.runInMinutes + 1, 0)) : job.attempts > 0 ? minutes(-1) : createdAt,
    };
  });
  const { count } = await tx.job.createMany({ data: rows, skipDuplicates: true });
  bump(created, "jobs", count);

  // The outbox rows those delivery jobs send, so an admin's retry on the jobs page really delivers.
  const outbox: Prisma.NotificationOutboxCreateManyInput[] = demoJobs.map((job) => {
    const persona = getPersona(job.persona);
    const template = String(job.payload.template);
    if (!isEmailTemplate(template)) throw new SeedError(`Demo job ${job.key} names an unknown email template ${template}.`);
    const sample: Record<string, unknown> = { ...emailTemplates[template].sample };
    if ("tenantName" in sample && persona.tenantName) sample.tenantName = persona.tenantName;
    if ("name" in sample) sample.name = persona.name.split(" ")[0];
    return {
      id: seedId(`outbox:${job.key}`),
      event: String(job.payload.event),
      category: String(job.payload.category),
      channel: "email",
      userId: userIds.get(job.persona)!,
      tenantId: tenantIds.get(job.persona) ?? null,
      recipient: persona.email,
      locale: "en",
      template,
      data: sample as Prisma.InputJsonObject,
      idempotencyKey: `seed:${job.key}:email`,
      status: job.status === "succeeded" ? "sent" : "pending",
      attempts: job.attempts,
      lastError: job.lastError ?? null,
      sentAt: job.status === "succeeded" ? minutes(job.runInMinutes) : null,
      createdAt: minutes(-job.createdMinutesAgo),
    };
  });
  const outboxCount = (await tx.notificationOutbox.createMany({ data: outbox, skipDuplicates: true })).count;
  bump(created, "notification_outbox", outboxCount);
}

type AuditRow = Prisma.AuditLogCreateManyInput;

async function addAudit(tx: DbTx, created: Counts, rows: AuditRow[]) {
  const { count } = await tx.auditLog.createMany({ data: rows, skipDuplicates: true });
  bump(created, "audit_logs", count);
}

/** tenant.created, billing state changes and project history, as the app would have recorded them. */
async function addTenantHistory(tx: DbTx, persona: Persona, tenantId: string, ownerId: string, now: Date, created: Counts) {
  const t = persona.tenant!;
  const key = persona.key;
  const rows: AuditRow[] = [
    {
      id: seedId(`audit:${key}:tenant.created`),
      tenantId,
      actorUserId: ownerId,
      action: "tenant.created",
      targetType: "tenant",
      targetId: tenantId,
      metadata: { plan: "starter", billingState: "trial" },
      createdAt: daysAgo(now, AGE_DAYS[key]),
    },
  ];
  for (const [ago, from, to] of BILLING_HISTORY[key] ?? []) {
    rows.push({
      id: seedId(`audit:${key}:billing:${from}->${to}`),
      tenantId,
      actorUserId: null, // the billing system, not a person
      action: "billing.state_changed",
      targetType: "tenant",
      targetId: tenantId,
      metadata: { from, to, plan: t.plan },
      createdAt: daysAgo(now, ago),
    });
  }
  for (const p of projectRows(persona, tenantId, ownerId, now)) {
    rows.push({
      id: seedId(`audit:${key}:project.created:${p.name}`),
      tenantId,
      actorUserId: ownerId,
      action: "project.created",
      targetType: "project",
      targetId: p.id,
      createdAt: p.createdAt,
    });
    if (p.deletedAt) {
      rows.push({
        id: seedId(`audit:${key}:project.deleted:${p.name}`),
        tenantId,
        actorUserId: ownerId,
        action: "project.deleted",
        targetType: "project",
        targetId: p.id,
        metadata: { name: p.name },
        createdAt: p.deletedAt,
      });
    }
  }
  await addAudit(tx, created, rows);
}

/** The consents a sign-up records (terms, privacy policy, marketing emails), at the time of sign-up. */
async function addConsents(tx: DbTx, persona: Persona, userId: string, now: Date, created: Counts) {
  const at = daysAgo(now, AGE_DAYS[persona.key]);
  const rows = [
    { purpose: "terms", granted: true },
    { purpose: "privacy_policy", granted: true },
    { purpose: "marketing_emails", granted: persona.marketingEmails },
  ].map((c) => ({
    id: seedId(`consent:${persona.key}:${c.purpose}`),
    userId,
    purpose: c.purpose,
    granted: c.granted,
    policyVersion: CURRENT_POLICY_VERSION,
    createdAt: at,
  }));
  const { count } = await tx.userPrivacyConsent.createMany({ data: rows, skipDuplicates: true });
  bump(created, "user_privacy_consents", count);
}

/** "3 users, 5 tenants" for the log; "nothing" when empty. */
export function describeCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([table, n]) => `${n} ${table}`);
  return parts.length ? parts.join(", ") : "nothing";
}

// ---------- `npm run db:seed` ----------

async function main(): Promise<void> {
  const { bootstrapScript } = await import("../scripts/lib/env");
  bootstrapScript();
  const { runCli, createLogger, seconds } = await import("../scripts/lib/cli");
  const log = createLogger("db:seed");
  runCli("db:seed", async () => {
    const { openDatabase, pendingMigrations } = await import("../scripts/lib/database");
    const { createPrismaClient } = await import("@/server/db/client");
    const db = await openDatabase({ embedded: "reuse", log: log.info });
    try {
      log.info(`Database: ${db.description}`);
      const pending = await pendingMigrations(db.url);
      if (pending.length) {
        throw new SeedError(
          `The database is missing ${pending.length} migration(s) (${pending.join(", ")}), so the tables the seed writes may not exist. ` +
            `Run "npm run db:migrate" first (or "npm run dev", which migrates and seeds an empty database by itself).`,
        );
      }
      const prisma = createPrismaClient(db.url);
      try {
        const result = await seed(prisma);
        log.info(`Created ${describeCounts(result.created)}; updated ${describeCounts(result.updated)} (${seconds(result.ms)}).`);
        log.info(`${result.personas} demo personas sign in with the password "${DEMO_PASSWORD}":`);
        for (const p of personas) log.info(`  ${p.key.padEnd(13)} ${p.email}`);
      } finally {
        await prisma.$disconnect();
      }
    } finally {
      await db.stop();
    }
  });
}

const invokedDirectly = !!process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) await main();
