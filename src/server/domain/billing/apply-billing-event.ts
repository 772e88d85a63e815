import { z } from "zod";
import { env } from "@/env";
import type { Db, DbTx } from "@/server/db/client";
import { inTransaction } from "@/server/db/transaction";
import { defineJob, enqueue, PermanentJobError } from "@/server/domain/jobs";
import type { EventData } from "@/server/domain/notifications/events";
import { DEFAULT_PLAN, findByProductId, isPlanId, plans } from "@/server/domain/plans/plans";
import { billingMailUrl, notifyBillingContacts } from "./billing-notifications";
import { graceReminderJob } from "./dunning";
import {
  billingStateAfter,
  hasAccess,
  type BillingEffect,
  type BillingEvent,
  type BillingMachineState,
  type BillingRecord,
  type NotificationEvent as BillingNotification,
  type TimeEventKind,
} from "./state-machine";
import { lockSubscriptionRow, recordOf } from "./subscription-record";

// The one place a billing machine event changes a tenant, whether it came from a webhook
// (process-webhook.ts) or from one of our timers (the jobs below, the trial sweep): under the row lock
// on the tenant's subscription record it runs the pure state machine, writes the record and the tenant's
// billing_state / grace_ends_at / plan, and carries out the effects in the same transaction, so a
// notification or a timer exists exactly when the state change committed.

export interface ApplyBillingEventOptions {
  now: Date;
  /** 3-7; BILLING_GRACE_DAYS, else the machine's default. */
  graceDays?: number;
  /** Provider events: the subscription the webhook is about (process-webhook.ts created the row on first sight). */
  subscription?: { providerSubscriptionId: string; productId: string | null };
  /** payment.failed: what could not be charged, for the mail. */
  charge?: { amountMinor: number; currency: string };
}

export type ApplyBillingEventResult =
  | { status: "applied"; from: BillingMachineState; to: BillingMachineState; note: string }
  | { status: "ignored"; note: string };

export async function applyBillingEvent(tx: DbTx, tenantId: string, event: BillingEvent, opts: ApplyBillingEventOptions): Promise<ApplyBillingEventResult> {
  const { now } = opts;
  const row = await lockSubscriptionRow(tx, tenantId, "update");
  if (!row) {
    if (opts.subscription) throw new Error(`Subscription ${opts.subscription.providerSubscriptionId} belongs to another tenant`);
    return { status: "ignored", note: `${event.kind}: tenant ${tenantId} has no subscription` };
  }
  const outcome = billingStateAfter(recordOf(row), event, now, { graceDays: opts.graceDays ?? env.BILLING_GRACE_DAYS });
  if (outcome.status !== "applied") {
    return { status: "ignored", note: `${outcome.status === "ignored-stale" ? "stale" : "unexpected"}: ${outcome.reason}` };
  }

  const next = outcome.record;
  const productId = opts.subscription?.productId ?? null;
  const product = productId ? findByProductId(productId) : null;
  const plan = product?.kind === "plan" ? product : null;
  await tx.billingTenantSubscription.update({
    where: { id: row.id },
    data: {
      state: next.state,
      graceEndsAt: next.graceEndsAt,
      periodEnd: next.periodEnd,
      cancelAtPeriodEnd: next.cancelAtPeriodEnd,
      lastEventAt: next.lastEventAt,
      ...(opts.subscription ? { providerSubscriptionId: opts.subscription.providerSubscriptionId } : {}),
      ...(productId ? { productId } : {}),
      ...(plan ? { planId: plan.planId, interval: plan.interval } : {}),
    },
  });
  const planId = plan?.planId ?? row.planId;
  // Without access (suspended, on hold, ended, expired, canceled past its period) the free plan's limits apply.
  const tenantPlan = hasAccess(next, now) ? planId : DEFAULT_PLAN;
  const tenant = await tx.tenant.update({
    where: { id: tenantId },
    data: { graceEndsAt: next.graceEndsAt, ...(tenantPlan ? { plan: tenantPlan } : {}) },
    select: { name: true },
  });

  const mail: MailContext = { tenantName: tenant.name, planName: planId && isPlanId(planId) ? plans[planId].name : null, record: next, now, charge: opts.charge };
  for (const effect of outcome.effects) {
    switch (effect.kind) {
      case "set-tenant-billing-state":
        await tx.tenant.update({ where: { id: tenantId }, data: { billingState: effect.value } });
        break;
      case "notify":
        // The event's own instant (webhook timestamp, timer due time) names the occurrence: a retry carries the same one.
        await notifyBillingContacts(tx, { tenantId, event: effect.event, data: mailData(effect.event, mail), occurrence: event.at.toISOString() });
        break;
      case "schedule":
        await scheduleTimer(tx, tenantId, effect, next);
        break;
    }
  }
  return { status: "applied", from: outcome.from, to: next.state, note: `${outcome.from} -> ${next.state}` };
}

// ---------- the mails ----------

interface MailContext {
  tenantName: string;
  planName: string | null;
  /** The record after the transition. */
  record: BillingRecord;
  now: Date;
  charge: ApplyBillingEventOptions["charge"];
}

/** The machine sets these with the effects that need them; a missing one is a bug, not a retry. */
function requiredIso(value: Date | null, field: keyof BillingRecord): string {
  if (!value) throw new PermanentJobError(`the billing record has no ${field}`);
  return value.toISOString();
}

// Typed per event, so a notification the machine emits without a catalogue entry does not compile.
const MAIL_DATA: { [E in BillingNotification]: (c: MailContext) => EventData<E> } = {
  "billing.subscription-activated": (c) => ({ tenantName: c.tenantName, planName: c.planName, url: billingMailUrl() }),
  "billing.payment-failed": (c) => ({
    tenantName: c.tenantName,
    amountMinor: c.charge?.amountMinor ?? null,
    currency: c.charge?.currency ?? null,
    graceEndsAt: requiredIso(c.record.graceEndsAt, "graceEndsAt"),
    url: billingMailUrl(),
  }),
  "billing.payment-recovered": (c) => ({ tenantName: c.tenantName, url: billingMailUrl() }),
  "billing.suspended": (c) => ({ tenantName: c.tenantName, url: billingMailUrl() }),
  "billing.on-hold": (c) => ({ tenantName: c.tenantName, url: billingMailUrl() }),
  // No period end known: the period-end timer ends it at once (see the machine's canceled effects).
  "billing.cancel-scheduled": (c) => ({ tenantName: c.tenantName, accessEndsAt: (c.record.periodEnd ?? c.now).toISOString(), url: billingMailUrl() }),
  "billing.cancel-withdrawn": (c) => ({ tenantName: c.tenantName, renewsAt: c.record.periodEnd?.toISOString() ?? null, url: billingMailUrl() }),
  "billing.subscription-ended": (c) => ({ tenantName: c.tenantName, reason: "canceled", url: billingMailUrl() }),
  "billing.subscription-expired": (c) => ({ tenantName: c.tenantName, reason: "expired", url: billingMailUrl() }),
  "billing.trial-expired": (c) => ({ tenantName: c.tenantName, url: billingMailUrl() }),
};

function mailData<E extends BillingNotification>(event: E, context: MailContext): EventData<E> {
  return MAIL_DATA[event](context);
}

// ---------- the timers ----------

const timerPayloadSchema = z.object({
  tenantId: z.string().min(1),
  /** When the timer is due (ISO): the time event's `at`. */
  at: z.iso.datetime(),
});
export type BillingTimerPayload = z.infer<typeof timerPayloadSchema>;

/** Feeds a timer's time event into applyBillingEvent; the machine ignores it if it is stale or early. */
export function applyTimeEvent(db: Db | DbTx, kind: TimeEventKind, payload: BillingTimerPayload, now: Date): Promise<ApplyBillingEventResult> {
  return inTransaction(db, (tx) => applyBillingEvent(tx, payload.tenantId, { kind, at: new Date(payload.at) }, { now }));
}

const TIMER_RETRY = { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 10 * 60_000 };

/** billing.grace-end: the grace period after a failed payment is over (past_due -> suspended). */
export const graceEndJob = defineJob({
  name: "billing.grace-end",
  parse: (payload) => timerPayloadSchema.parse(payload),
  run: (payload, ctx) => applyTimeEvent(ctx.db, "grace.ended", payload, new Date()),
  retry: TIMER_RETRY,
});

/** billing.period-end: a subscription canceled at period end reaches it (canceled -> ended). */
export const periodEndJob = defineJob({
  name: "billing.period-end",
  parse: (payload) => timerPayloadSchema.parse(payload),
  run: (payload, ctx) => applyTimeEvent(ctx.db, "period.ended", payload, new Date()),
  retry: TIMER_RETRY,
});

async function scheduleTimer(tx: DbTx, tenantId: string, effect: Extract<BillingEffect, { kind: "schedule" }>, record: BillingRecord) {
  const at = effect.at.toISOString();
  // The queue takes a delay from its own clock: measured from the real clock, run_at is `at` whatever
  // `now` the caller simulates. The key makes a re-scheduled timer (a retried job) one job.
  const options = { db: tx, delayMs: effect.at.getTime() - Date.now(), idempotencyKey: `${tenantId}:${effect.job}:${at}` };
  switch (effect.job) {
    case "billing.grace-reminder":
      return enqueue(graceReminderJob, { tenantId, at, graceEndsAt: requiredIso(record.graceEndsAt, "graceEndsAt") }, options);
    case "billing.grace-end":
      return enqueue(graceEndJob, { tenantId, at }, options);
    case "billing.period-end":
      return enqueue(periodEndJob, { tenantId, at }, options);
  }
}
