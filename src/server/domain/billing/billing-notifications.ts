import { defaultLocale } from "@/i18n/routing";
import type { DbTx } from "@/server/db/client";
import { notify, type NotifyResult, type Recipient } from "@/server/domain/notifications/notify";
import type { EventData, NotificationEvent } from "@/server/domain/notifications/events";
import { billingPageUrl } from "./provider-calls";

// Who hears about a tenant's billing and how one occurrence is named, shared by the state machine's
// effects (apply-billing-event.ts), the dunning reminder and the trial sweep.

/** The roles that manage billing; members and guests never get billing mail. */
const BILLING_ROLES = ["owner", "admin"];

/** Every billing mail links here (the data is shared by all recipients, so the default locale's path). */
export const billingMailUrl = () => billingPageUrl(defaultLocale);

async function billingContacts(tx: DbTx, tenantId: string): Promise<Recipient[]> {
  const members = await tx.tenantMember.findMany({
    where: { tenantId, role: { in: BILLING_ROLES }, memberType: "member" },
    select: { userId: true },
    orderBy: { createdAt: "asc" },
  });
  return members.map((m) => ({ userId: m.userId }));
}

/**
 * Queues `event` for the tenant's owners and admins. `occurrence` names this instance of the event (an ISO
 * instant such as the grace period's end): the idempotency key is `<event>:<tenantId>:<occurrence>`, so a
 * retried job, a second runner or a redelivered webhook never sends it twice.
 */
export async function notifyBillingContacts<E extends NotificationEvent>(
  tx: DbTx,
  input: { tenantId: string; event: E; data: EventData<E>; occurrence: string },
): Promise<NotifyResult> {
  return notify(tx, {
    event: input.event,
    recipients: await billingContacts(tx, input.tenantId),
    data: input.data,
    tenantId: input.tenantId,
    idempotencyKey: `${input.event}:${input.tenantId}:${input.occurrence}`,
  });
}
