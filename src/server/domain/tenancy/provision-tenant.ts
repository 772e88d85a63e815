import { randomBytes } from "node:crypto";
import type { Locale } from "@/i18n/routing";
import { translatorFor } from "@/i18n/translator";
import type { Db, DbTx } from "@/server/db/client";
import { inTransaction } from "@/server/db/transaction";
import { recordAudit } from "@/server/domain/audit/record-audit";
import { DEFAULT_PLAN, plans } from "@/server/domain/plans/plans";
import { slugBase } from "@/server/domain/slug";
import { DAY_MS } from "@/lib/time";

/** A unique-enough tenant slug: the name's slug plus 6 random hex characters. */
export function slugify(name: string): string {
  return `${slugBase(name) || "workspace"}-${randomBytes(3).toString("hex")}`;
}

/** The name of a signed-up user's first tenant, in their language: "Ada's workspace". */
export function defaultTenantName(userName: string, locale: Locale): string {
  return translatorFor(locale, "tenancy")("defaultTenantName", { name: userName.split(" ")[0] ?? userName });
}

/**
 * Serialises everything that gives a user their first tenant (sign-up, its retries, the first sign-in),
 * until the caller's transaction ends. Taking it again in the same transaction is free.
 */
export async function lockUserProvisioning(tx: DbTx, userId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('provision-tenant'), hashtext(${userId}))`;
}

export interface ProvisionTenantInput {
  userId: string;
  tenantName: string;
  now?: Date;
}

/**
 * Journey 1: the first tenant of a user who signed up without an invitation, on the starter plan
 * in trial, with the user as owner. Idempotent: it runs when the sign-up finishes and again on every
 * sign-in of a user without a tenant, and the per-user lock makes two racing runs create one tenant.
 * Runs in the caller's transaction when given one (the sign-up's, src/server/domain/identity/finish-sign-up.ts).
 */
export async function provisionPersonalTenant(db: Db | DbTx, input: ProvisionTenantInput) {
  const now = input.now ?? new Date();
  return inTransaction(db, async (tx) => {
    await lockUserProvisioning(tx, input.userId);
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
