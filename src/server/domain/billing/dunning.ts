import { z } from "zod";
import type { Db, DbTx } from "@/server/db/client";
import { inTransaction } from "@/server/db/transaction";
import { defineJob } from "@/server/domain/jobs";
import { billingMailUrl, notifyBillingContacts } from "./billing-notifications";
import { lockSubscriptionRow } from "./subscription-record";
import { DAY_MS } from "@/lib/time";

// The reminder a day before a past-due tenant is suspended. Not a state change: the state machine
// schedules it when a grace period starts, and it only speaks if that grace period is still running.

export const graceReminderPayloadSchema = z.object({
  tenantId: z.string().min(1),
  /** When the reminder is due (ISO). */
  at: z.iso.datetime(),
  /** The end of the grace period it was scheduled for (ISO): a later grace period has its own reminder. */
  graceEndsAt: z.iso.datetime(),
});
export type GraceReminderPayload = z.infer<typeof graceReminderPayloadSchema>;

export type GraceReminderOutcome = { status: "sent"; daysLeft: number } | { status: "skipped"; reason: string };

/** Notifies billing.grace-reminder if the tenant is still past due in the same grace period; else a no-op. */
export async function sendGraceReminder(db: Db | DbTx, payload: GraceReminderPayload, now: Date): Promise<GraceReminderOutcome> {
  const graceEndsAt = new Date(payload.graceEndsAt);
  return inTransaction(db, async (tx) => {
    // Shared lock: a recovery being applied right now finishes first, and then there is nothing to remind.
    const row = await lockSubscriptionRow(tx, payload.tenantId, "share");
    if (row?.state !== "past_due") return { status: "skipped", reason: `subscription is ${row?.state ?? "missing"}` };
    if (row.graceEndsAt?.getTime() !== graceEndsAt.getTime()) return { status: "skipped", reason: "another grace period" };
    if (now.getTime() >= graceEndsAt.getTime()) return { status: "skipped", reason: "the grace period is over" };

    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: payload.tenantId }, select: { name: true } });
    const daysLeft = Math.max(1, Math.ceil((graceEndsAt.getTime() - now.getTime()) / DAY_MS));
    await notifyBillingContacts(tx, {
      tenantId: payload.tenantId,
      event: "billing.grace-reminder",
      data: { tenantName: tenant.name, daysLeft, graceEndsAt: graceEndsAt.toISOString(), url: billingMailUrl() },
      occurrence: graceEndsAt.toISOString(),
    });
    return { status: "sent", daysLeft };
  });
}

export const graceReminderJob = defineJob({
  name: "billing.grace-reminder",
  parse: (payload) => graceReminderPayloadSchema.parse(payload),
  run: (payload, ctx) => sendGraceReminder(ctx.db, payload, new Date()),
  retry: { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 10 * 60_000 },
});
