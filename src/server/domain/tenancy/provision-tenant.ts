import { randomBytes } from "node:crypto";
import type { Db, DbTx } from "@/server/db/client";
import { recordAudit } from "@/server/domain/audit/record-audit";
import { DEFAULT_PLAN, plans } from "@/server/domain/plans/plans";
import { recordSignUpConsents, type SignUpConsents } from "@/server/domain/privacy/consents";
import { slugBase } from "@/server/domain/slug";

const DAY_MS = 24 * 60 * 60 * 1000;

/** A unique-enough tenant slug: the name's slug plus 6 random hex characters. */
export function slugify(name: string): string {
  return `${slugBase(name) || "workspace"}-${randomBytes(3).toString("hex")}`;
}

export interface ProvisionTenantInput {
  userId: string;
  tenantName: string;
  consents?: SignUpConsents;
  now?: Date;
}

/**
 * Journey 1: the first tenant of a user who signed up without an invitation, on the starter plan
 * in trial, with the user as owner. Idempotent: it runs on sign-up and again on every sign-in of a
 * user without a tenant (if the first run crashed), and a per-user lock makes two racing runs
 * create one tenant.
 */
export async function provisionPersonalTenant(db: Db, input: ProvisionTenantInput) {
  const now = input.now ?? new Date();
  return db.$transaction(async (tx: DbTx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('provision-tenant'), hashtext(${input.userId}))`;
    const existing = await tx.tenantMember.findFirst({
      where: { userId: input.userId },
      orderBy: { createdAt: "asc" },
      select: { tenant: true },
    });
    if (existing) return { tenant: existing.tenant, created: false as const };

    const tenant = await tx.tenant.create({
      data: {
        name: input.tenantName,
        slug: slugify(input.tenantName),
        plan: DEFAULT_PLAN,
        billingState: "trial",
        trialEndsAt: new Date(now.getTime() + plans[DEFAULT_PLAN].trialDays * DAY_MS),
      },
    });
    await tx.tenantMember.create({ data: { tenantId: tenant.id, userId: input.userId, role: "owner" } });
    if (input.consents) await recordSignUpConsents(tx, input.userId, input.consents);
    await recordAudit(tx, {
      tenantId: tenant.id,
      actorUserId: input.userId,
      action: "tenant.created",
      targetType: "tenant",
      targetId: tenant.id,
      metadata: { plan: tenant.plan, billingState: tenant.billingState },
    });
    return { tenant, created: true as const };
  });
}
