import type { Locale } from "@/i18n/routing";
import { translatorFor } from "@/i18n/translator";
import type { Db, DbTx } from "@/server/db/client";
import { lockUserProvisioning } from "@/server/db/locks";
import { inTransaction } from "@/server/db/transaction";
import { createTenantWithOwner } from "./create-tenant-with-owner";

/** The name of a signed-up user's first tenant, in their language: "Ada's workspace". */
export function defaultTenantName(userName: string, locale: Locale): string {
  return translatorFor(locale, "tenancy")("defaultTenantName", { name: userName.split(" ")[0] ?? userName });
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

    const { tenant } = await createTenantWithOwner(tx, { name: input.tenantName, ownerUserId: input.userId, now });
    return { tenant, created: true as const };
  });
}
