/**
 * The demo data: the personas of src/server/domain/seed/personas.ts, each able to sign in with
 * DEMO_PASSWORD, with realistic tenants, projects, audit history and consents.
 *
 *   npm run db:seed        (DATABASE_URL, else the embedded PostgreSQL: reused if running, else started)
 *   seed(prisma)           (the dev launcher seeds an empty database in-process)
 *
 * Idempotent: rows have fixed ids (UUIDv5 of a name) or natural keys (email, slug, tenant+user), so a
 * second run finds everything and writes nothing. It also repairs demo state that drifted: a persona's
 * plan, billing state, role, verified email and password are put back, and an expired trial or grace
 * period is moved into the future again. Projects, audit rows and consents are only ever added.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { hashPassword, symmetricDecrypt, symmetricEncrypt, verifyPassword } from "better-auth/crypto";
import type { Prisma } from "@/generated/prisma/client";
import { resolveAuthSecret } from "@/server/auth-secret";
import type { Db, DbTx } from "@/server/db/client";
import { CURRENT_POLICY_VERSION } from "@/server/domain/privacy/consents";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, personas, type Persona, type PersonaKey } from "@/server/domain/seed/personas";

const DAY_MS = 24 * 60 * 60 * 1000;

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
  platformAdmin: 700,
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
  const hashes = await passwordHashesNeeded(db);

  await db.$transaction(
    async (tx: DbTx) => {
      // Two seeds at once (the launcher and an e2e setup) take turns instead of racing on the same rows.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('saas-template-seed'))`;

      const userIds = new Map<PersonaKey, string>();
      const tenantIds = new Map<PersonaKey, string>();

      for (const persona of personas) {
        userIds.set(persona.key, await upsertUser(tx, persona, now, hashes, created, updated));
      }
      for (const persona of personas) {
        if (!persona.tenant) continue;
        const tenantId = await upsertTenant(tx, persona, now, created, updated);
        tenantIds.set(persona.key, tenantId);
        await upsertMember(tx, { tenantId, userId: userIds.get(persona.key)!, role: "owner", memberType: "member" }, daysAgo(now, AGE_DAYS[persona.key]), created, updated);
        await addProjects(tx, persona, tenantId, userIds.get(persona.key)!, now, created);
        await addTenantHistory(tx, persona, tenantId, userIds.get(persona.key)!, now, created);
      }
      for (const persona of personas) {
        const userId = userIds.get(persona.key)!;
        if (persona.memberOf) {
          const tenantId = tenantIds.get(persona.memberOf.persona);
          if (!tenantId) throw new SeedError(`Persona ${persona.key} is a member of ${persona.memberOf.persona}, which owns no tenant.`);
          const joinedAt = daysAgo(now, AGE_DAYS[persona.key]);
          const memberId = await upsertMember(tx, { tenantId, userId, role: persona.memberOf.role, memberType: persona.memberOf.memberType }, joinedAt, created, updated);
          const inviterId = userIds.get(persona.memberOf.persona)!;
          await addAudit(tx, created, [
            {
              id: seedId(`audit:${persona.key}:member.added`),
              tenantId,
              actorUserId: inviterId,
              action: "member.added",
              targetType: "member",
              targetId: memberId,
              metadata: { userId, role: persona.memberOf.role, memberType: persona.memberOf.memberType },
              createdAt: joinedAt,
            },
          ]);
        }
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
    },
    { maxWait: 15_000, timeout: 60_000 },
  );

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
