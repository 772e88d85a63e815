import type { DbTx } from "@/server/db/client";
import { notFound } from "@/server/domain/errors";

const membershipSelect = {
  id: true,
  role: true,
  memberType: true,
  tenantId: true,
  tenant: { select: { id: true, name: true, slug: true, plan: true, billingState: true, trialEndsAt: true, graceEndsAt: true } },
} as const;

/** The user's tenants that are not deleted, oldest first (the first is the default active one). */
export function listMemberships(db: DbTx, userId: string) {
  return db.tenantMember.findMany({
    where: { userId, tenant: { deletedAt: null } },
    orderBy: { createdAt: "asc" },
    select: membershipSelect,
  });
}

/**
 * The membership the request acts through: the session's active tenant if the user still belongs
 * to it, otherwise their first tenant. Null when the user belongs to none.
 */
export async function resolveActiveMembership(db: DbTx, input: { userId: string; activeTenantId: string | null | undefined }) {
  if (input.activeTenantId) {
    const active = await db.tenantMember.findFirst({
      where: { userId: input.userId, tenantId: input.activeTenantId, tenant: { deletedAt: null } },
      select: membershipSelect,
    });
    if (active) return active;
  }
  return db.tenantMember.findFirst({
    where: { userId: input.userId, tenant: { deletedAt: null } },
    orderBy: { createdAt: "asc" },
    select: membershipSelect,
  });
}

export type ActiveMembership = NonNullable<Awaited<ReturnType<typeof resolveActiveMembership>>>;

/** Switch the session's active tenant; a tenant the user does not belong to is simply not found. */
export async function switchActiveTenant(db: DbTx, input: { userId: string; sessionId: string; tenantId: string }) {
  const membership = await db.tenantMember.findFirst({
    where: { userId: input.userId, tenantId: input.tenantId, tenant: { deletedAt: null } },
    select: membershipSelect,
  });
  if (!membership) throw notFound("workspace");
  await db.session.update({ where: { id: input.sessionId }, data: { activeOrganizationId: membership.tenantId } });
  return membership;
}
