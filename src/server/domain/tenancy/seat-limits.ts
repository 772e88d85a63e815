import type { DbTx } from "@/server/db/client";
import { lockTenantRow } from "@/server/db/locks";
import type { Tx } from "@/server/db/transaction";
import { AppError } from "@/server/domain/errors";
import { DEFAULT_PLAN, isPlanId, plans } from "@/server/domain/plans/plans";

/**
 * Refuses a new member (or guest) when the tenant's plan has no seat left. Call it in the same
 * transaction as the insert, after `lockTenantSeats`, so two racing joins cannot both take the last seat.
 */
export async function assertSeatAvailable(db: DbTx, input: { tenantId: string; memberType: "member" | "guest" }) {
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: input.tenantId }, select: { plan: true } });
  const limits = plans[isPlanId(tenant.plan) ? tenant.plan : DEFAULT_PLAN].limits;
  const limit = input.memberType === "guest" ? limits.guests : limits.seats;
  const used = await db.tenantMember.count({ where: { tenantId: input.tenantId, memberType: input.memberType } });
  if (used >= limit) {
    throw new AppError(
      "LIMIT_REACHED",
      input.memberType === "guest"
        ? `Your plan allows ${limit} guests; remove a guest or upgrade the plan`
        : `Your plan allows ${limit} members; remove a member or upgrade the plan`,
      { key: "seats.limitReached", params: { memberType: input.memberType, limit } },
    );
  }
}

/** Serialises seat-changing transactions of one tenant (the tenant's row lock). */
export async function lockTenantSeats(tx: Tx, tenantId: string) {
  await lockTenantRow(tx, tenantId);
}
