import { z } from "zod";
import { env } from "@/env";
import type { BillingTenantSubscription } from "@/generated/prisma/client";
import type { Db, DbTx } from "@/server/db/client";
import { inTransaction, type Tx } from "@/server/db/transaction";
import { defineJob, enqueue, PermanentJobError } from "@/server/domain/jobs";
import type { EventData } from "@/server/domain/notifications/events";
import { DEFAULT_PLAN, findByProductId, isPlanId, plans } from "@/server/domain/plans/plans";
import { billingMailUrl, notifyBillingContacts } from "./billing-notifications";
import { graceReminderJob } from "./dunning";
import {
  billingStateAfter,
  effectsOf,
  hasAccess,
  INITIAL_RECORD,
  subscriptionFromFacts,
  type ProviderEventKind,
  type BillingEffect,
  type BillingEvent,
  type BillingMachineState,
  type BillingRecord,
  type NotificationEvent as BillingNotification,
  type TimeEventKind,
} from "./state-machine";
import { lockSubscriptionRow, recordOf } from "./subscription-record";

// The one place a billing event changes a tenant, whether it came from a webhook (process-webhook.ts:
// recorded as a fact of its subscription, the record folded from all of them) or from one of our timers
// (the jobs below, the trial sweep: one step of the machine): under the row lock on the tenant's
// subscription record it writes the record and the tenant's billing_state / grace_ends_at / plan, and
// carries out the effects in the same transaction, so a notification or a timer exists exactly when the
// state change committed.

export interface ApplyBillingEventOptions {
  now: Date;
  /** 3-7; BILLING_GRACE_DAYS, else the machine's default. */
  graceDays?: number;
  /** payment.failed: what could not be charged, for the mail. */
  charge?: { amountMinor: number; currency: string };
}

export type ApplyBillingEventResult =
  | { status: "applied"; from: BillingMachineState; to: BillingMachineState; note: string }
  | { status: "ignored"; note: string };

/** One of our timers (grace end, period end, a subscription trial's end) reaches the tenant's record. */
export async function applyBillingEvent(tx: Tx, tenantId: string, event: BillingEvent, opts: ApplyBillingEventOptions): Promise<ApplyBillingEventResult> {
  const row = await lockSubscriptionRow(tx, tenantId, "update");
  if (!row) return { status: "ignored", note: `${event.kind}: tenant ${tenantId} has no subscription` };
  const outcome = billingStateAfter(recordOf(row), event, opts.now, { graceDays: opts.graceDays ?? env.BILLING_GRACE_DAYS });
  if (outcome.status !== "applied") {
    return { status: "ignored", note: `${outcome.status === "ignored-stale" ? "stale" : "unexpected"}: ${outcome.reason}` };
  }
  await commitRecord(tx, tenantId, row, { record: outcome.record, effects: outcome.effects, occurrence: event.at }, opts);
  return { status: "applied", from: outcome.from, to: outcome.record.state, note: `${outcome.from} -> ${outcome.record.state}` };
}

/** A provider event about a subscription, normalized (process-webhook.ts maps the webhook onto it). */
export interface SubscriptionEventInput extends BillingEvent {
  kind: ProviderEventKind;
  /** The inbox row: the fact is stored once per delivery, however often it is processed. */
  inboxEventId: string;
  providerSubscriptionId: string;
  provider: string;
  productId: string | null;
}

/**
 * Records a provider event as a fact of its subscription and sets the tenant's record to the fold of all
 * of them (subscriptionFromFacts): an event that arrives late lands where it belongs in provider time
 * instead of being dropped, so the final state and plan do not depend on arrival order. The effects are
 * those of moving the stored record to the folded one.
 */
export async function applySubscriptionEvent(tx: Tx, tenantId: string, event: SubscriptionEventInput, opts: ApplyBillingEventOptions): Promise<ApplyBillingEventResult> {
  const subscriptionId = event.providerSubscriptionId;
  // Created on first sight (ON CONFLICT DO NOTHING), then locked: events for one tenant serialize here.
  await tx.billingTenantSubscription.createMany({
    data: [{ tenantId, provider: event.provider, providerSubscriptionId: subscriptionId, state: INITIAL_RECORD.state, productId: event.productId }],
    skipDuplicates: true,
  });
  const row = await lockSubscriptionRow(tx, tenantId, "update");
  if (!row) throw new Error(`Subscription ${subscriptionId} belongs to another tenant`);
  await tx.billingSubscriptionEvent.createMany({
    data: [
      {
        tenantId,
        providerSubscriptionId: subscriptionId,
        inboxEventId: event.inboxEventId,
        kind: event.kind,
        occurredAt: event.at,
        periodEnd: event.periodEnd ?? null,
        productId: event.productId,
      },
    ],
    skipDuplicates: true,
  });
  if (row.providerSubscriptionId !== subscriptionId && (await startedEarlier(tx, tenantId, subscriptionId, row.providerSubscriptionId))) {
    return { status: "ignored", note: `${event.kind}: subscription ${subscriptionId} was replaced by ${row.providerSubscriptionId}` };
  }

  const facts = await tx.billingSubscriptionEvent.findMany({
    where: { tenantId, providerSubscriptionId: subscriptionId },
    select: { id: true, kind: true, occurredAt: true, periodEnd: true, productId: true },
  });
  const folded = subscriptionFromFacts(
    facts.map((f) => ({ id: f.id, kind: f.kind as ProviderEventKind, at: f.occurredAt, periodEnd: f.periodEnd, productId: f.productId })),
    opts.now,
    { graceDays: opts.graceDays ?? env.BILLING_GRACE_DAYS },
  );
  const from = recordOf(row);
  const next = folded.record;
  const unchanged = row.providerSubscriptionId === subscriptionId && sameRecord(from, next) && (folded.productId ?? row.productId) === row.productId;
  if (unchanged) return { status: "ignored", note: `${event.kind}: no change (${from.state})` };
  await commitRecord(
    tx,
    tenantId,
    row,
    { record: next, effects: effectsOf(from.state, next, opts.now), occurrence: event.at, subscription: { providerSubscriptionId: subscriptionId, productId: folded.productId } },
    opts,
  );
  return { status: "applied", from: from.state, to: next.state, note: `${from.state} -> ${next.state}` };
}

/** Whether subscription `a`'s first event is older than subscription `b`'s (a tenant follows its newest one). */
async function startedEarlier(tx: DbTx, tenantId: string, a: string, b: string): Promise<boolean> {
  const starts = await tx.billingSubscriptionEvent.groupBy({
    by: ["providerSubscriptionId"],
    where: { tenantId, providerSubscriptionId: { in: [a, b] } },
    _min: { occurredAt: true },
  });
  const startOf = (id: string) => starts.find((s) => s.providerSubscriptionId === id)?._min.occurredAt?.getTime();
  const startA = startOf(a);
  const startB = startOf(b);
  return startA !== undefined && startB !== undefined && startA < startB;
}

function sameRecord(a: BillingRecord, b: BillingRecord): boolean {
  const time = (d: Date | null) => d?.getTime() ?? null;
  return (
    a.state === b.state &&
    a.cancelAtPeriodEnd === b.cancelAtPeriodEnd &&
    time(a.graceEndsAt) === time(b.graceEndsAt) &&
    time(a.periodEnd) === time(b.periodEnd) &&
    time(a.lastEventAt) === time(b.lastEventAt)
  );
}

interface RecordChange {
  record: BillingRecord;
  effects: readonly BillingEffect[];
  /** The instant that names this change's notifications: a retry carries the same one. */
  occurrence: Date;
  /** Provider events: the subscription the record now follows and its product. */
  subscription?: { providerSubscriptionId: string; productId: string | null };
}

/** Writes the record and the tenant's billing fields, and carries out the effects, in the caller's transaction. */
async function commitRecord(tx: DbTx, tenantId: string, row: BillingTenantSubscription, change: RecordChange, opts: ApplyBillingEventOptions): Promise<void> {
  const { now } = opts;
  const next = change.record;
  const productId = change.subscription?.productId ?? null;
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
      ...(change.subscription ? { providerSubscriptionId: change.subscription.providerSubscriptionId } : {}),
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
  for (const effect of change.effects) {
    switch (effect.kind) {
      case "set-tenant-billing-state":
        await tx.tenant.update({ where: { id: tenantId }, data: { billingState: effect.value } });
        break;
      case "notify":
        await notifyBillingContacts(tx, { tenantId, event: effect.event, data: mailData(effect.event, mail), occurrence: change.occurrence.toISOString() });
        break;
      case "schedule":
        await scheduleTimer(tx, tenantId, effect, next);
        break;
    }
  }
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
