/**
 * prisma/seed.ts on this file's own migrated database (tests/setup/per-file-db.ts): the personas
 * exist as ARCHITECTURE.md describes them, sign in through Better Auth with the demo password, and a
 * second run writes nothing.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { seed, seedId } from "../../prisma/seed";
import { createDatabase, dropDatabase } from "../helpers/db-admin";
import { getAuth } from "@/server/auth";
import { createPrismaClient, prisma } from "@/server/db/client";
import { withDatabase } from "@/server/db/database-url";
import { normalizeRolePermissions } from "@/server/domain/rbac/iam-roles";
import { resolvePermissions } from "@/server/domain/rbac/resolve-permissions";
import { DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, demoJobs, getPersona, personas } from "@/server/seed/personas";
import { DAY_MS } from "@/lib/time";

/** Every row of every table the seed touches, updated_at included, in a stable order. */
async function snapshot() {
  const [users, accounts, tenants, members, projects, audit, consents, roles, iamRoles, teams, teamMembers, invitations, jobs] = await Promise.all([
    prisma.user.findMany({ orderBy: { id: "asc" } }),
    prisma.account.findMany({ orderBy: { id: "asc" } }),
    prisma.tenant.findMany({ orderBy: { id: "asc" } }),
    prisma.tenantMember.findMany({ orderBy: { id: "asc" } }),
    prisma.project.findMany({ orderBy: { id: "asc" } }),
    prisma.auditLog.findMany({ orderBy: { id: "asc" } }),
    prisma.userPrivacyConsent.findMany({ orderBy: { id: "asc" } }),
    prisma.platformRoleAssignment.findMany({ orderBy: { id: "asc" } }),
    prisma.iamRole.findMany({ orderBy: { id: "asc" } }),
    prisma.team.findMany({ orderBy: { id: "asc" } }),
    prisma.teamMember.findMany({ orderBy: { id: "asc" } }),
    prisma.tenantInvitation.findMany({ orderBy: { id: "asc" } }),
    prisma.job.findMany({ orderBy: { id: "asc" } }),
  ]);
  return { users, accounts, tenants, members, projects, audit, consents, roles, iamRoles, teams, teamMembers, invitations, jobs };
}

async function tenantOf(key: Parameters<typeof getPersona>[0]) {
  const owner = await prisma.user.findUniqueOrThrow({ where: { email: getPersona(key).email } });
  const m = await prisma.tenantMember.findFirstOrThrow({ where: { userId: owner.id }, include: { tenant: true } });
  return m.tenant;
}

const NEWHIRE = `newhire@${DEMO_EMAIL_DOMAIN}`;
const ANALYST_PERMISSIONS = ["tenant:read", "project:read", "project:update", "member:read", "team:read", "role:read", "usage:read", "billing:read"];

async function membershipsOf(key: Parameters<typeof getPersona>[0]) {
  const user = await prisma.user.findUniqueOrThrow({ where: { email: getPersona(key).email } });
  return prisma.tenantMember.findMany({ where: { userId: user.id }, orderBy: { createdAt: "asc" }, include: { tenant: true } });
}

let firstRun: Awaited<ReturnType<typeof seed>>;
beforeAll(async () => {
  firstRun = await seed(prisma);
});

describe("personas.ts", () => {
  it("is plain data a browser bundle and Playwright can import", () => {
    const source = fs.readFileSync(path.resolve("src/server/seed/personas.ts"), "utf8");
    expect(source).not.toMatch(/^\s*import\s/m);
  });

  it("has one persona per key, each on the reserved demo domain", () => {
    expect(personas.map((p) => p.key).sort()).toEqual([
      "analyst",
      "canceled",
      "guest",
      "multiTenant",
      "outOfCredits",
      "paid",
      "pastDue",
      "platformAdmin",
      "trial",
    ]);
    expect(new Set(personas.map((p) => p.email)).size).toBe(personas.length);
    for (const p of personas) expect(p.email.endsWith(`@${DEMO_EMAIL_DOMAIN}`)).toBe(true);
    expect(DEMO_PASSWORD.length).toBeGreaterThanOrEqual(8); // Better Auth's minPasswordLength
  });
});

describe("seed", () => {
  it("creates every persona as ARCHITECTURE.md describes it", async () => {
    expect(firstRun.created).toMatchObject({
      users: personas.length,
      user_accounts: personas.length,
      tenants: 5,
      tenant_members: 9, // 5 owners, the guest, the multi-tenant user twice, the analyst
      platform_role_assignments: 1,
      iam_roles: 1,
      teams: 1,
      team_members: 2,
      tenant_invitations: 1,
      jobs: demoJobs.length,
    });
    const now = Date.now();

    const trial = await tenantOf("trial");
    expect(trial).toMatchObject({ plan: "starter", billingState: "trial", graceEndsAt: null, deletedAt: null });
    expect(Math.round((trial.trialEndsAt!.getTime() - now) / DAY_MS)).toBe(10);

    expect(await tenantOf("paid")).toMatchObject({ plan: "pro", billingState: "active", graceEndsAt: null });

    const pastDue = await tenantOf("pastDue");
    expect(pastDue).toMatchObject({ plan: "pro", billingState: "past_due" });
    expect(Math.round((pastDue.graceEndsAt!.getTime() - now) / DAY_MS)).toBe(4);

    expect(await tenantOf("canceled")).toMatchObject({ billingState: "canceled" });
    expect(await tenantOf("outOfCredits")).toMatchObject({ plan: "starter", billingState: "active" });

    // Owners own exactly their tenant; tenants have 2-4 projects; one project somewhere is soft-deleted.
    for (const p of personas.filter((x) => x.tenant)) {
      const user = await prisma.user.findUniqueOrThrow({ where: { email: p.email }, include: { memberships: { include: { tenant: true } } } });
      expect(user.emailVerified).toBe(true);
      expect(user.memberships).toHaveLength(1);
      expect(user.memberships[0]).toMatchObject({ role: "owner", memberType: "member" });
      expect(user.memberships[0]!.tenant.name).toBe(p.tenantName);
      const projects = await prisma.project.count({ where: { tenantId: user.memberships[0]!.tenantId } });
      expect(projects).toBeGreaterThanOrEqual(2);
      expect(projects).toBeLessThanOrEqual(4);
    }
    expect(await prisma.project.count({ where: { deletedAt: { not: null } } })).toBe(1);

    // The guest: a guest in the paid tenant, nothing of their own.
    const guest = await prisma.user.findUniqueOrThrow({ where: { email: getPersona("guest").email }, include: { memberships: true } });
    expect(guest.memberships).toHaveLength(1);
    expect(guest.memberships[0]).toMatchObject({ tenantId: (await tenantOf("paid")).id, role: "guest", memberType: "guest" });

    // The multi-tenant user: admin in Northwind (the older membership, so sessions start there), member in Brightline.
    const multi = await membershipsOf("multiTenant");
    expect(multi.map((m) => [m.tenant.name, m.role, m.memberType])).toEqual([
      ["Northwind Analytics", "admin", "member"],
      ["Brightline Studio", "member", "member"],
    ]);
    expect(multi[0]!.createdAt.getTime()).toBeLessThan(multi[1]!.createdAt.getTime());
    for (const m of multi) expect(m.createdAt.getTime()).toBeGreaterThanOrEqual(m.tenant.createdAt.getTime());

    // The plans still fit: Northwind (pro, 20 seats) and Brightline (starter, 3 seats).
    const paidTenant = await tenantOf("paid");
    expect(await prisma.tenantMember.count({ where: { tenantId: paidTenant.id, memberType: "member" } })).toBe(3);
    expect(await prisma.tenantMember.count({ where: { tenantId: trial.id } })).toBe(2);

    // The custom role, and the analyst who holds it: effective permissions are exactly the role's set.
    const role = await prisma.iamRole.findUniqueOrThrow({ where: { tenantId_key: { tenantId: paidTenant.id, key: "analyst" } } });
    expect(role).toMatchObject({ name: "Analyst", description: "Reads everything, edits projects" });
    expect([...role.permissions].sort()).toEqual([...ANALYST_PERMISSIONS].sort());
    expect(role.permissions).toEqual(normalizeRolePermissions(ANALYST_PERMISSIONS)); // stored as iam-roles.ts stores roles
    const analyst = await membershipsOf("analyst");
    expect(analyst).toHaveLength(1);
    expect(analyst[0]).toMatchObject({ tenantId: paidTenant.id, role: "analyst", memberType: "member" });
    const effective = await resolvePermissions(prisma, { tenantId: paidTenant.id, role: analyst[0]!.role, memberType: analyst[0]!.memberType });
    expect([...effective].sort()).toEqual([...role.permissions].sort());

    // The team: the owner and the multi-tenant user, through their Northwind memberships.
    const team = await prisma.team.findUniqueOrThrow({
      where: { tenantId_name: { tenantId: paidTenant.id, name: "Data Science" } },
      include: { members: { include: { member: { include: { user: true } } } } },
    });
    expect(team.members).toHaveLength(2);
    expect(team.members.map((m) => m.member.user.email).sort()).toEqual([getPersona("multiTenant").email, getPersona("paid").email].sort());
    for (const m of team.members) expect(m).toMatchObject({ tenantId: paidTenant.id, member: { tenantId: paidTenant.id } });

    // The pending invitation: to an address with no account, from the owner, expiring in 7 days.
    const invitations = await prisma.tenantInvitation.findMany({ where: { email: NEWHIRE } });
    expect(invitations).toHaveLength(1);
    expect(invitations[0]).toMatchObject({
      tenantId: paidTenant.id,
      role: "member",
      memberType: "member",
      status: "pending",
      inviterId: (await prisma.user.findUniqueOrThrow({ where: { email: getPersona("paid").email } })).id,
    });
    expect(Math.round((invitations[0]!.expiresAt.getTime() - now) / DAY_MS)).toBe(7);
    expect(await prisma.user.count({ where: { email: NEWHIRE } })).toBe(0);
    expect(await prisma.tenantInvitation.count()).toBe(1);

    // The platform admin: a role assignment and no tenant.
    const admin = await prisma.user.findUniqueOrThrow({
      where: { email: getPersona("platformAdmin").email },
      include: { memberships: true, platformRoles: true },
    });
    expect(admin.memberships).toHaveLength(0);
    expect(admin.platformRoles.map((r) => r.role)).toEqual(["platform_admin"]);

    // History and consents.
    expect(await prisma.auditLog.count({ where: { action: "tenant.created" } })).toBe(5);
    expect(await prisma.auditLog.count({ where: { action: "project.deleted" } })).toBe(1);
    expect(await prisma.userPrivacyConsent.count()).toBe(personas.length * 3);

    // Jobs for the platform jobs page: one of each state a visitor should see, the failed one with its error.
    const jobs = await prisma.job.findMany({ where: { id: { in: demoJobs.map((j) => seedId(`job:${j.key}`)) } }, orderBy: { createdAt: "asc" } });
    expect(jobs.map((j) => j.status).sort()).toEqual(["failed", "queued", "retrying", "succeeded"]);
    const failed = jobs.find((j) => j.status === "failed")!;
    expect(failed).toMatchObject({ name: "notifications.deliver", attempts: 5, maxAttempts: 5 });
    expect(failed.lastError).toMatch(/Resend API error 503/);
    expect(jobs.find((j) => j.status === "queued")!.runAt.getTime()).toBeGreaterThan(now);
  });

  it("replays each persona's billing history through the simulator and the webhook inbox", async () => {
    const now = Date.now();
    const days = (d: Date | null) => (d ? Math.round((d.getTime() - now) / DAY_MS) : null);
    const paid = await tenantOf("paid");
    const paidSub = await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId: paid.id } });
    expect(paidSub).toMatchObject({ state: "active", planId: "pro", interval: "monthly", cancelAtPeriodEnd: false });
    expect(days(paidSub.periodEnd)).toBeGreaterThanOrEqual(14);
    expect(paid).toMatchObject({ plan: "pro", billingState: "active" });
    // Checkout plus two renewals paid; two credit packs credited once each.
    const paidEvents = await prisma.billingPaymentEvent.findMany({ where: { tenantId: paid.id } });
    expect(paidEvents.every((e) => e.status === "processed")).toBe(true);
    expect(paidEvents.filter((e) => e.type === "payment.succeeded")).toHaveLength(5);
    const ledger = await prisma.tenantCreditLedger.findMany({ where: { tenantId: paid.id } });
    expect(ledger.map((e) => e.amount).sort((a, b) => a - b)).toEqual([1_000, 5_000]);
    expect(ledger.every((e) => e.kind === "purchase" && e.expiresAt !== null)).toBe(true);

    const pastDue = await tenantOf("pastDue");
    expect(await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId: pastDue.id } })).toMatchObject({ state: "past_due" });
    expect(pastDue.billingState).toBe("past_due");
    expect(days(pastDue.graceEndsAt)).toBe(4);
    expect(await prisma.billingPaymentEvent.count({ where: { tenantId: pastDue.id, type: "payment.failed" } })).toBe(1);
    // The owner was told by the dunning flow (besides the demo job's older failed delivery, keyed seed:…).
    const owner = await prisma.user.findUniqueOrThrow({ where: { email: getPersona("pastDue").email } });
    expect(await prisma.notificationOutbox.count({ where: { userId: owner.id, event: "billing.payment-failed", channel: "email", NOT: { idempotencyKey: { startsWith: "seed:" } } } })).toBe(1);

    const canceled = await tenantOf("canceled");
    const canceledSub = await prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId: canceled.id } });
    expect(canceledSub).toMatchObject({ state: "canceled", cancelAtPeriodEnd: true });
    expect(days(canceledSub.periodEnd)).toBe(10);
    expect(canceled).toMatchObject({ plan: "pro", billingState: "canceled" });

    // The simulator holds the same story: the past-due customer's subscription can be paid from the portal.
    const sims = await prisma.paymentSimulatorObject.findMany({ where: { kind: "subscription" } });
    expect(sims.map((o) => (o.data as { status: string }).status).sort()).toEqual(["active", "active", "past_due"]);
    // No delivery is left for the job runner to send again.
    expect(await prisma.job.count({ where: { name: "payments-simulator.deliver", status: { not: "succeeded" } } })).toBe(0);
  });

  it("gives Northwind and Quillby this month's usage; Quillby is out of credits and at its limits", async () => {
    const periodStart = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1));
    const sum = async (tenantId: string, metric: string) =>
      (await prisma.usageEvent.aggregate({ where: { tenantId, metric, occurredAt: { gte: periodStart } }, _sum: { units: true } }))._sum.units;
    const paid = await tenantOf("paid");
    expect(await sum(paid.id, "api_calls")).toBe(37_500); // 75% of Pro's 50,000
    expect(await sum(paid.id, "ai_credits")).toBe(500);
    // The guest's actions are counted under the guest.
    const guest = await prisma.user.findUniqueOrThrow({ where: { email: getPersona("guest").email } });
    expect(await prisma.usageEvent.count({ where: { tenantId: paid.id, actorUserId: guest.id, actorType: "guest" } })).toBeGreaterThan(0);
    expect(await prisma.usageAlert.count({ where: { tenantId: paid.id } })).toBe(0);

    const quillby = await tenantOf("outOfCredits");
    expect(await sum(quillby.id, "api_calls")).toBe(1_000);
    expect(await sum(quillby.id, "ai_credits")).toBe(50);
    expect((await prisma.tenantCreditLedger.aggregate({ where: { tenantId: quillby.id }, _sum: { amount: true } }))._sum.amount).toBe(0);
    expect(await prisma.tenantCreditLedger.count({ where: { tenantId: quillby.id, kind: "consume" } })).toBe(1);
    const alerts = await prisma.usageAlert.findMany({ where: { tenantId: quillby.id }, orderBy: [{ metric: "asc" }, { threshold: "asc" }] });
    expect(alerts.map((a) => `${a.metric}:${a.threshold}`)).toEqual(["ai_credits:80", "ai_credits:100", "api_calls:80", "api_calls:100"]);
  });

  it("gives ids the app's validators accept (projects are UUIDs)", async () => {
    const ids = (await prisma.project.findMany({ select: { id: true } })).map((p) => p.id);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(seedId("x")).toBe(seedId("x"));
  });

  it("lets every persona sign in with the demo password through Better Auth", async () => {
    for (const p of personas) {
      const result = await getAuth().api.signInEmail({ body: { email: p.email, password: DEMO_PASSWORD } });
      if (p.twoFactor) {
        // The password is right, but a two-factor account gets no session before its code (platform.test.ts).
        expect(result).toMatchObject({ twoFactorRedirect: true });
        continue;
      }
      expect(result.user.email).toBe(p.email);
      const session = await prisma.session.findUniqueOrThrow({ where: { token: result.token } });
      if (p.tenant) expect(session.activeOrganizationId).toBe((await tenantOf(p.key)).id);
      // Members of other tenants start in their first (oldest) membership: the guest, the analyst and
      // the multi-tenant user all in Northwind.
      if (p.memberships) expect(session.activeOrganizationId).toBe((await tenantOf(p.memberships[0]!.persona)).id);
    }
    expect(await prisma.session.count({ where: { user: { email: getPersona("multiTenant").email }, activeOrganizationId: (await tenantOf("paid")).id } })).toBe(1);
    // Signing in provisioned no tenant for the platform admin or the members of other tenants, and
    // accepted no invitation (none goes to a persona).
    expect(await prisma.tenant.count()).toBe(5);
    expect(await prisma.tenantInvitation.count({ where: { status: "pending" } })).toBe(1);
    await expect(
      getAuth().api.signInEmail({ body: { email: getPersona("paid").email, password: "not-the-password" } }),
    ).rejects.toThrow(/invalid email or password/i);
  });

  it("writes nothing on a second run", async () => {
    await prisma.session.deleteMany(); // sessions are not seed data
    const before = await snapshot();
    const again = await seed(prisma);
    expect(again.created).toEqual({});
    expect(again.updated).toEqual({});
    expect(await snapshot()).toEqual(before);
  });

  it("puts drifted demo state back, then is quiet again", async () => {
    const paid = await tenantOf("paid");
    const trial = await tenantOf("trial");
    const guestUser = await prisma.user.findUniqueOrThrow({ where: { email: getPersona("guest").email } });
    await prisma.tenant.update({ where: { id: paid.id }, data: { billingState: "canceled", plan: "starter" } });
    await prisma.tenant.update({ where: { id: trial.id }, data: { trialEndsAt: new Date(Date.now() - DAY_MS) } });
    await prisma.tenantMember.updateMany({ where: { userId: guestUser.id }, data: { role: "admin" } });
    await prisma.account.updateMany({ where: { userId: guestUser.id }, data: { password: "not-a-hash" } });

    const repaired = await seed(prisma);
    expect(repaired.created).toEqual({});
    expect(repaired.updated).toEqual({ tenants: 2, tenant_members: 1, user_accounts: 1 });
    expect(await tenantOf("paid")).toMatchObject({ billingState: "active", plan: "pro" });
    expect((await tenantOf("trial")).trialEndsAt!.getTime()).toBeGreaterThan(Date.now() + 9 * DAY_MS);
    const signIn = await getAuth().api.signInEmail({ body: { email: guestUser.email, password: DEMO_PASSWORD } });
    expect(signIn.user.id).toBe(guestUser.id);

    const quiet = await seed(prisma);
    expect(quiet.created).toEqual({});
    expect(quiet.updated).toEqual({});
  });

  it("puts the custom role back, moves an expired invitation forward, and never makes a second invitation", async () => {
    const paid = await tenantOf("paid");
    await prisma.iamRole.update({
      where: { tenantId_key: { tenantId: paid.id, key: "analyst" } },
      data: { name: "Renamed", permissions: ["tenant:read", "project:read", "member:invite"] },
    });
    const [invitation] = await prisma.tenantInvitation.findMany({ where: { email: NEWHIRE } });
    await prisma.tenantInvitation.update({ where: { id: invitation!.id }, data: { expiresAt: new Date(Date.now() - DAY_MS) } });

    const repaired = await seed(prisma);
    expect(repaired.created).toEqual({});
    expect(repaired.updated).toEqual({ iam_roles: 1, tenant_invitations: 1 });
    const role = await prisma.iamRole.findUniqueOrThrow({ where: { tenantId_key: { tenantId: paid.id, key: "analyst" } } });
    expect(role.name).toBe("Analyst");
    expect([...role.permissions].sort()).toEqual([...ANALYST_PERMISSIONS].sort());
    const after = await prisma.tenantInvitation.findMany({ where: { email: NEWHIRE } });
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: invitation!.id, status: "pending" });
    expect(Math.round((after[0]!.expiresAt.getTime() - Date.now()) / DAY_MS)).toBe(7);

    // A revoked demo invitation is pending again; still one row.
    await prisma.tenantInvitation.update({ where: { id: invitation!.id }, data: { status: "revoked" } });
    expect((await seed(prisma)).updated).toEqual({ tenant_invitations: 1 });
    expect(await prisma.tenantInvitation.findMany({ where: { email: NEWHIRE } })).toMatchObject([{ id: invitation!.id, status: "pending" }]);

    const quiet = await seed(prisma);
    expect(quiet.created).toEqual({});
    expect(quiet.updated).toEqual({});
  });

  it("lets two first-run seeds race on an empty database without duplicates or errors", async () => {
    const serverUrl = inject("testDbServerUrl");
    const name = `${process.env.TEST_DATABASE_NAME}_race`;
    await createDatabase(serverUrl, name, inject("testDbTemplate"));
    const a = createPrismaClient(withDatabase(serverUrl, name));
    const b = createPrismaClient(withDatabase(serverUrl, name));
    try {
      const [ra, rb] = await Promise.all([seed(a), seed(b)]);
      // One of them created everything; the other, after waiting for the lock, found it all.
      expect([ra.created.users ?? 0, rb.created.users ?? 0].sort()).toEqual([0, personas.length]);
      expect(await a.user.count()).toBe(personas.length);
      expect(await a.tenant.count()).toBe(5);
      expect(await a.tenantMember.count()).toBe(9);
      expect(await a.teamMember.count()).toBe(2);
      expect(await a.tenantInvitation.count()).toBe(1);
    } finally {
      await Promise.all([a.$disconnect(), b.$disconnect()]);
      await dropDatabase(serverUrl, name);
    }
  });
});
