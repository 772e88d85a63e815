import { randomBytes } from "node:crypto";
import type { Tx } from "@/server/db/transaction";
import { recordAudit } from "@/server/domain/audit/record-audit";
import { slugBase } from "@/server/domain/slug";
import { DAY_MS } from "@/lib/time";
import { DEFAULT_PLAN, plans } from "./defaults";
import { assertSeatAvailable, lockTenantSeats } from "./seat-limits";

/** A unique-enough tenant slug: the name's slug plus 6 random hex characters. */
export function slugify(name: string): string {
  return `${slugBase(name) || "workspace"}-${randomBytes(3).toString("hex")}`;
}

export interface CreateTenantWithOwnerInput {
  name: string;
  /** Its owner; null for single-tenant mode's install workspace, whose first member becomes owner on joining. */
  ownerUserId: string | null;
  now: Date;
  /** Added to the tenant.created audit entry's metadata. */
  auditMetadata?: Record<string, string | boolean>;
}

/**
 * Every new tenant starts here (sign-up provisioning, single-tenant mode, a new workspace): on the
 * default plan in trial, with its owner's membership, audited as tenant.created, in the caller's
 * transaction. The caller decides whether the user may have it (locks, mode checks).
 */
export async function createTenantWithOwner(tx: Tx, input: CreateTenantWithOwnerInput) {
  const tenant = await tx.tenant.create({
    data: {
      name: input.name,
      slug: slugify(input.name),
      plan: DEFAULT_PLAN,
      billingState: "trial",
      trialEndsAt: new Date(input.now.getTime() + plans[DEFAULT_PLAN].trialDays * DAY_MS),
    },
  });
  let ownerMemberId: string | null = null;
  if (input.ownerUserId) {
    await lockTenantSeats(tx, tenant.id);
    await assertSeatAvailable(tx, { tenantId: tenant.id, memberType: "member" });
    const membership = await tx.tenantMember.create({ data: { tenantId: tenant.id, userId: input.ownerUserId, role: "owner" }, select: { id: true } });
    ownerMemberId = membership.id;
  }
  await recordAudit(tx, {
    tenantId: tenant.id,
    actorUserId: input.ownerUserId ?? undefined,
    action: "tenant.created",
    targetType: "tenant",
    targetId: tenant.id,
    metadata: { plan: tenant.plan, billingState: tenant.billingState, ...(ownerMemberId ? { ownerMemberId } : {}), ...input.auditMetadata },
  });
  return { tenant, ownerMemberId };
}
