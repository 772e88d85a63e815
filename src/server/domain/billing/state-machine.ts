// The billing state machine: a pure function from (record, event, now) to the next record plus the
// side effects to perform, as data. No I/O: the webhook job and the scheduled timers call it inside
// their transaction and carry out the effects (notifications, jobs, the tenant's coarse billing_state).
//
// Order safety: providers do not guarantee delivery order. Each provider event carries the provider's
// timestamp; an event older than the last applied one (`lastEventAt`) is ignored, so an older event
// never moves a subscription backwards (and subscriptionFromFacts folds every event in provider-time order). Time events (trial.ended, grace.ended, period.ended) are our own
// timers: they do not advance `lastEventAt` (a late-delivered payment.succeeded that happened before
// suspension still recovers the tenant) and they check their own deadline against the record, so a
// timer left over from an earlier grace period or a moved period end is ignored as stale.

import { DAY_MS } from "@/lib/time";

export const BILLING_STATES = ["trial", "active", "past_due", "suspended", "on_hold", "canceled", "ended", "expired"] as const;
export type BillingMachineState = (typeof BILLING_STATES)[number];

/** Provider events (process-webhook.ts maps the provider's normalized kinds onto these) and our timers. */
export const PROVIDER_EVENT_KINDS = [
  "subscription.active",
  "subscription.renewed",
  "subscription.on_hold",
  "subscription.past_due",
  "subscription.paused",
  "subscription.unpaused",
  "subscription.cancelled",
  "subscription.expired",
  "subscription.failed",
  "payment.succeeded",
  "payment.failed",
] as const;
export const TIME_EVENT_KINDS = ["trial.ended", "grace.ended", "period.ended"] as const;
export const BILLING_EVENT_KINDS = [...PROVIDER_EVENT_KINDS, ...TIME_EVENT_KINDS] as const;
export type ProviderEventKind = (typeof PROVIDER_EVENT_KINDS)[number];
export type TimeEventKind = (typeof TIME_EVENT_KINDS)[number];
export type BillingEventKind = (typeof BILLING_EVENT_KINDS)[number];

export interface BillingEvent {
  readonly kind: BillingEventKind;
  /** Provider events: the webhook envelope's `timestamp`. Time events: the instant the timer was due. */
  readonly at: Date;
  /** Subscription events: `next_billing_date` (the end of the paid period, or of the trial). */
  readonly periodEnd?: Date | null;
}

export interface BillingRecord {
  readonly state: BillingMachineState;
  /** Set while past_due: access continues until then, then grace.ended suspends. */
  readonly graceEndsAt: Date | null;
  /** End of the current paid period (in trial: the trial end). */
  readonly periodEnd: Date | null;
  readonly cancelAtPeriodEnd: boolean;
  /** Timestamp of the last applied provider event; null before the first one. */
  readonly lastEventAt: Date | null;
}

export type NotificationEvent =
  | "billing.subscription-activated"
  | "billing.payment-failed"
  | "billing.payment-recovered"
  | "billing.suspended"
  | "billing.on-hold"
  | "billing.cancel-scheduled"
  | "billing.cancel-withdrawn"
  | "billing.subscription-ended"
  | "billing.subscription-expired"
  | "billing.trial-expired";

export type ScheduledJob = "billing.grace-end" | "billing.grace-reminder" | "billing.period-end";

export type BillingEffect =
  | { readonly kind: "notify"; readonly event: NotificationEvent }
  /** Enqueue a timer job that will feed the matching time event back (grace.ended / period.ended). */
  | { readonly kind: "schedule"; readonly job: ScheduledJob; readonly at: Date }
  /** The tenant's coarse `billing_state` (the UI badge) changed. */
  | { readonly kind: "set-tenant-billing-state"; readonly value: TenantBillingState };

export type BillingOutcome =
  | { readonly status: "applied"; readonly record: BillingRecord; readonly effects: readonly BillingEffect[]; readonly from: BillingMachineState }
  | { readonly status: "ignored-stale" | "ignored-unexpected"; readonly record: BillingRecord; readonly effects: readonly []; readonly reason: string };

/** Default days of access after a failed payment before suspension; configurable within the bounds. */
export const DEFAULT_GRACE_DAYS = 5;
export const MIN_GRACE_DAYS = 3;
export const MAX_GRACE_DAYS = 7;

/** Validates a grace period configuration; throws RangeError outside 3-7 whole days. */
export function resolveGraceDays(days: number | undefined = DEFAULT_GRACE_DAYS): number {
  if (!Number.isInteger(days) || days < MIN_GRACE_DAYS || days > MAX_GRACE_DAYS) {
    throw new RangeError(`grace days must be a whole number from ${MIN_GRACE_DAYS} to ${MAX_GRACE_DAYS}, got ${String(days)}`);
  }
  return days;
}

type Target = BillingMachineState | "ignore";

// The transition table. A target equal to the row's state is an applied "stay" (fields such as periodEnd
// are refreshed); "ignore" means the event makes no sense in that state and is logged, never thrown.
const finishedRow: Readonly<Record<BillingEventKind, Target>> = {
  "subscription.active": "active",
  "subscription.renewed": "ignore",
  "subscription.on_hold": "ignore",
  "subscription.past_due": "ignore",
  "subscription.paused": "ignore",
  "subscription.unpaused": "ignore",
  "subscription.cancelled": "ignore",
  "subscription.expired": "ignore",
  "subscription.failed": "ignore",
  "payment.succeeded": "ignore",
  "payment.failed": "ignore",
  "trial.ended": "ignore",
  "grace.ended": "ignore",
  "period.ended": "ignore",
};

export const TRANSITIONS: Readonly<Record<BillingMachineState, Readonly<Record<BillingEventKind, Target>>>> = {
  trial: {
    "subscription.active": "active",
    "subscription.renewed": "active",
    "subscription.on_hold": "on_hold",
    "subscription.past_due": "past_due",
    "subscription.paused": "on_hold",
    "subscription.unpaused": "ignore",
    "subscription.cancelled": "canceled",
    "subscription.expired": "expired",
    "subscription.failed": "trial", // the checkout's mandate failed: the trial simply continues
    "payment.succeeded": "active",
    "payment.failed": "trial", // a declined checkout during the trial: still in trial
    "trial.ended": "expired",
    "grace.ended": "ignore",
    "period.ended": "ignore",
  },
  active: {
    "subscription.active": "active",
    "subscription.renewed": "active",
    "subscription.on_hold": "on_hold",
    "subscription.past_due": "past_due",
    "subscription.paused": "on_hold",
    "subscription.unpaused": "ignore",
    "subscription.cancelled": "canceled",
    "subscription.expired": "expired",
    "subscription.failed": "ignore",
    "payment.succeeded": "active",
    "payment.failed": "past_due",
    "trial.ended": "ignore",
    "grace.ended": "ignore",
    "period.ended": "ignore",
  },
  past_due: {
    "subscription.active": "active",
    "subscription.renewed": "active",
    "subscription.on_hold": "on_hold",
    "subscription.past_due": "past_due", // grace is not restarted
    "subscription.paused": "on_hold",
    "subscription.unpaused": "ignore",
    "subscription.cancelled": "canceled",
    "subscription.expired": "expired",
    "subscription.failed": "ignore",
    "payment.succeeded": "active",
    "payment.failed": "past_due", // a retry failed: grace is not restarted
    "trial.ended": "ignore",
    "grace.ended": "suspended",
    "period.ended": "ignore",
  },
  suspended: {
    "subscription.active": "active",
    "subscription.renewed": "active",
    "subscription.on_hold": "on_hold",
    "subscription.past_due": "suspended",
    "subscription.paused": "on_hold",
    "subscription.unpaused": "ignore",
    "subscription.cancelled": "ended", // nothing paid to run out: it ends now
    "subscription.expired": "expired",
    "subscription.failed": "ignore",
    "payment.succeeded": "active",
    "payment.failed": "suspended",
    "trial.ended": "ignore",
    "grace.ended": "ignore",
    "period.ended": "ignore",
  },
  on_hold: {
    "subscription.active": "active",
    "subscription.renewed": "active",
    "subscription.on_hold": "on_hold",
    "subscription.past_due": "ignore", // would hand access back without a payment
    "subscription.paused": "on_hold",
    "subscription.unpaused": "active",
    "subscription.cancelled": "ended",
    "subscription.expired": "expired",
    "subscription.failed": "ignore",
    "payment.succeeded": "active",
    "payment.failed": "on_hold",
    "trial.ended": "ignore",
    "grace.ended": "ignore",
    "period.ended": "ignore",
  },
  canceled: {
    "subscription.active": "active", // cancellation withdrawn / reactivated
    "subscription.renewed": "active",
    "subscription.on_hold": "ignore",
    "subscription.past_due": "ignore",
    "subscription.paused": "ignore",
    "subscription.unpaused": "ignore",
    "subscription.cancelled": "canceled",
    "subscription.expired": "ended",
    "subscription.failed": "ignore",
    "payment.succeeded": "canceled", // a late payment of an earlier invoice
    "payment.failed": "ignore", // no dunning for a subscription that is ending
    "trial.ended": "ignore",
    "grace.ended": "ignore",
    "period.ended": "ended",
  },
  // A finished subscription only comes back through a new subscription.active; everything else is ignored.
  ended: finishedRow,
  expired: finishedRow,
};

/** The tenant's coarse `billing_state` (prisma enum BillingState), shown as the UI badge. */
export type TenantBillingState = "trial" | "active" | "past_due" | "canceled";

export const TENANT_BILLING_STATE: Readonly<Record<BillingMachineState, TenantBillingState>> = {
  trial: "trial",
  active: "active",
  past_due: "past_due",
  suspended: "past_due",
  on_hold: "past_due",
  canceled: "canceled", // canceled at period end: badge "Canceled", still usable until periodEnd
  ended: "canceled",
  expired: "canceled",
};

export function toTenantBillingState(state: BillingMachineState): TenantBillingState {
  return TENANT_BILLING_STATE[state];
}

/** Whether the tenant may use paid features now (canceled: until the period end). */
export function hasAccess(record: BillingRecord, now: Date): boolean {
  switch (record.state) {
    case "trial":
    case "active":
    case "past_due":
      return true;
    case "canceled":
      return record.periodEnd === null || now.getTime() < record.periodEnd.getTime();
    default:
      return false;
  }
}

export function isTimeEvent(kind: BillingEventKind): kind is TimeEventKind {
  return (TIME_EVENT_KINDS as readonly string[]).includes(kind);
}

export interface BillingMachineOptions {
  /** 3-7; DEFAULT_GRACE_DAYS when unset. Invalid values throw (a configuration error, not an event). */
  readonly graceDays?: number;
}

/** Why a timer is out of date, or null when it is due. */
function staleTimerReason(record: BillingRecord, kind: TimeEventKind, now: Date): string | null {
  const due = (deadline: Date | null) => deadline === null || now.getTime() >= deadline.getTime();
  if (kind === "grace.ended" && !due(record.graceEndsAt)) return `grace.ended before graceEndsAt ${record.graceEndsAt?.toISOString()}`;
  if ((kind === "period.ended" || kind === "trial.ended") && !due(record.periodEnd)) {
    return `${kind} before periodEnd ${record.periodEnd?.toISOString()}`;
  }
  return null;
}

export function billingStateAfter(record: BillingRecord, event: BillingEvent, now: Date, options: BillingMachineOptions = {}): BillingOutcome {
  const graceDays = resolveGraceDays(options.graceDays);
  const from = record.state;
  const timer = isTimeEvent(event.kind);

  if (!timer && record.lastEventAt !== null && event.at.getTime() < record.lastEventAt.getTime()) {
    return {
      status: "ignored-stale",
      record,
      effects: [],
      reason: `${event.kind} at ${event.at.toISOString()} is older than the last applied event at ${record.lastEventAt.toISOString()}`,
    };
  }

  const target = TRANSITIONS[from][event.kind];
  if (target === "ignore") {
    return { status: "ignored-unexpected", record, effects: [], reason: `${event.kind} is not expected in state ${from}` };
  }
  if (timer) {
    const stale = staleTimerReason(record, event.kind as TimeEventKind, now);
    if (stale) return { status: "ignored-stale", record, effects: [], reason: stale };
  }

  // Only the provider moves the period end; a timer never does.
  const periodEnd = !timer && event.periodEnd ? event.periodEnd : record.periodEnd;
  let graceEndsAt: Date | null = null;
  if (target === "past_due") {
    graceEndsAt = from === "past_due" && record.graceEndsAt ? record.graceEndsAt : new Date(now.getTime() + graceDays * DAY_MS);
  }
  const next: BillingRecord = {
    state: target,
    graceEndsAt,
    periodEnd,
    cancelAtPeriodEnd: target === "canceled" ? true : target === "active" ? false : record.cancelAtPeriodEnd,
    lastEventAt: timer ? record.lastEventAt : event.at,
  };

  return { status: "applied", record: next, effects: effectsOf(from, next, now), from };
}

/** Where a subscription starts before its first provider event. */
export const INITIAL_RECORD: BillingRecord = { state: "trial", graceEndsAt: null, periodEnd: null, cancelAtPeriodEnd: false, lastEventAt: null };

/**
 * After a subscription trial's end the provider charges (subscription.renewed / active) or gives up within
 * hours; still "trial" this long after it ended means no payment is coming: the trial has expired.
 */
export const SUBSCRIPTION_TRIAL_SILENCE_MS = DAY_MS;

/** The timer due next on this record and the instant it fires, or null when none is pending. */
function nextTimer(record: BillingRecord): { kind: TimeEventKind; at: Date; firesAt: Date } | null {
  if (record.state === "past_due" && record.graceEndsAt) return { kind: "grace.ended", at: record.graceEndsAt, firesAt: record.graceEndsAt };
  if (record.state === "canceled" && record.periodEnd) return { kind: "period.ended", at: record.periodEnd, firesAt: record.periodEnd };
  if (record.state === "trial" && record.periodEnd) {
    return { kind: "trial.ended", at: record.periodEnd, firesAt: new Date(record.periodEnd.getTime() + SUBSCRIPTION_TRIAL_SILENCE_MS) };
  }
  return null;
}

/** The record once every timer due by `until` has fired (each can lead to the next: none chain today). */
function withTimersDue(record: BillingRecord, until: Date, options: BillingMachineOptions): BillingRecord {
  for (let current = record; ; ) {
    const timer = nextTimer(current);
    if (!timer || timer.firesAt.getTime() > until.getTime()) return current;
    const outcome = billingStateAfter(current, { kind: timer.kind, at: timer.at }, timer.firesAt, options);
    if (outcome.status !== "applied") return current;
    current = outcome.record;
  }
}

/** A provider event applied to a subscription (billing_subscription_events), as the fold reads it. */
export interface SubscriptionFact extends BillingEvent {
  /** Orders events with the same timestamp the same way every time. */
  readonly id: string;
  readonly productId: string | null;
}

export interface FoldedSubscription {
  readonly record: BillingRecord;
  /** The product of the newest event that names one (a plan change moves it; payments usually name none). */
  readonly productId: string | null;
}

/**
 * A subscription's record at `now` from every provider event applied to it, whatever order they arrived
 * in: the events in provider-time order through the machine, each at its own instant (so a grace period
 * runs from the failed payment, not from when we processed it), with our timers firing in between and up
 * to `now`. Processing an event means adding it to the set and folding again: the same events give the
 * same record and product in any arrival order.
 */
export function subscriptionFromFacts(facts: readonly SubscriptionFact[], now: Date, options: BillingMachineOptions = {}): FoldedSubscription {
  const ordered = [...facts].sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let record = INITIAL_RECORD;
  let productId: string | null = null;
  for (const fact of ordered) {
    record = withTimersDue(record, fact.at, options);
    const outcome = billingStateAfter(record, fact, fact.at, options);
    if (outcome.status === "applied") record = outcome.record;
    if (fact.productId) productId = fact.productId;
  }
  return { record: withTimersDue(record, now, options), productId };
}

/** The effects of moving a stored record to `next` (notifications, timers, the tenant badge). */
export function effectsOf(from: BillingMachineState, next: BillingRecord, now: Date): BillingEffect[] {
  const to = next.state;
  const effects: BillingEffect[] = [];
  if (from !== to) {
    if (to === "active") {
      if (from === "past_due" || from === "suspended" || from === "on_hold") effects.push({ kind: "notify", event: "billing.payment-recovered" });
      else if (from === "canceled") effects.push({ kind: "notify", event: "billing.cancel-withdrawn" });
      else effects.push({ kind: "notify", event: "billing.subscription-activated" });
    } else if (to === "past_due" && next.graceEndsAt) {
      effects.push({ kind: "notify", event: "billing.payment-failed" });
      const reminderAt = new Date(next.graceEndsAt.getTime() - DAY_MS);
      if (reminderAt.getTime() > now.getTime()) effects.push({ kind: "schedule", job: "billing.grace-reminder", at: reminderAt });
      effects.push({ kind: "schedule", job: "billing.grace-end", at: next.graceEndsAt });
    } else if (to === "suspended") {
      effects.push({ kind: "notify", event: "billing.suspended" });
    } else if (to === "on_hold") {
      effects.push({ kind: "notify", event: "billing.on-hold" });
    } else if (to === "ended") {
      effects.push({ kind: "notify", event: "billing.subscription-ended" });
    } else if (to === "expired") {
      effects.push({ kind: "notify", event: from === "trial" ? "billing.trial-expired" : "billing.subscription-expired" });
    }
  }
  if (to === "canceled") {
    if (from !== "canceled") effects.push({ kind: "notify", event: "billing.cancel-scheduled" });
    // (Re)schedule the end; a timer for an earlier periodEnd is harmless (period.ended checks periodEnd).
    effects.push({ kind: "schedule", job: "billing.period-end", at: next.periodEnd ?? now });
  }
  if (TENANT_BILLING_STATE[from] !== TENANT_BILLING_STATE[to]) {
    effects.push({ kind: "set-tenant-billing-state", value: TENANT_BILLING_STATE[to] });
  }
  return effects;
}

/** A provider's event as the machine sees it. */
export interface ProviderBillingEvent extends BillingEvent {
  readonly kind: ProviderEventKind;
}
