/**
 * src/server/domain/billing/state-machine.ts: every row of the transition table (iterated from the table
 * itself, so a new row is covered automatically), every event in every state, stale and out-of-order
 * events, timers, the grace period bounds and the coarse tenant state.
 */
import { describe, expect, it } from "vitest";
import {
  BILLING_EVENT_KINDS,
  BILLING_STATES,
  DEFAULT_GRACE_DAYS,
  MAX_GRACE_DAYS,
  MIN_GRACE_DAYS,
  TENANT_BILLING_STATE,
  TRANSITIONS,
  billingStateAfter,
  hasAccess,
  isTimeEvent,
  resolveGraceDays,
  subscriptionFromFacts,
  SUBSCRIPTION_TRIAL_SILENCE_MS,
  toTenantBillingState,
  type SubscriptionFact,
  type BillingEvent,
  type BillingEventKind,
  type BillingMachineState,
  type BillingOutcome,
  type BillingRecord,
} from "@/server/domain/billing/state-machine";
import { DAY_MS, HOUR_MS } from "@/lib/time";

const now = new Date("2026-03-10T12:00:00Z");
const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
const ahead = (days: number) => new Date(now.getTime() + days * DAY_MS);

/** A record in `state` whose deadlines have passed, so every timer is due. */
function recordIn(state: BillingMachineState, extra: Partial<BillingRecord> = {}): BillingRecord {
  return {
    state,
    graceEndsAt: state === "past_due" ? ago(0.5) : null,
    periodEnd: ago(1),
    cancelAtPeriodEnd: state === "canceled",
    lastEventAt: ago(2),
    ...extra,
  };
}
const event = (kind: BillingEventKind, at: Date = now, periodEnd?: Date | null): BillingEvent => ({ kind, at, periodEnd });

function applied(outcome: BillingOutcome): Extract<BillingOutcome, { status: "applied" }> {
  if (outcome.status !== "applied") throw new Error(`expected applied, got ${outcome.status}: ${outcome.reason}`);
  return outcome;
}

describe("the transition table", () => {
  it("has a row for every state and a cell for every event, targets are states or ignore", () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...BILLING_STATES].sort());
    for (const state of BILLING_STATES) {
      expect(Object.keys(TRANSITIONS[state]).sort()).toEqual([...BILLING_EVENT_KINDS].sort());
      for (const target of Object.values(TRANSITIONS[state])) expect([...BILLING_STATES, "ignore"]).toContain(target);
    }
  });

  it("covers the lifecycle the issue names", () => {
    expect(TRANSITIONS.trial["subscription.active"]).toBe("active");
    expect(TRANSITIONS.active["payment.failed"]).toBe("past_due");
    expect(TRANSITIONS.past_due["grace.ended"]).toBe("suspended");
    expect(TRANSITIONS.suspended["payment.succeeded"]).toBe("active");
    expect(TRANSITIONS.active["subscription.on_hold"]).toBe("on_hold");
    expect(TRANSITIONS.on_hold["payment.succeeded"]).toBe("active");
    expect(TRANSITIONS.active["subscription.cancelled"]).toBe("canceled");
    expect(TRANSITIONS.canceled["period.ended"]).toBe("ended");
    expect(TRANSITIONS.trial["trial.ended"]).toBe("expired");
    expect(TRANSITIONS.active["subscription.expired"]).toBe("expired");
  });

  for (const state of BILLING_STATES) {
    for (const kind of BILLING_EVENT_KINDS) {
      const target = TRANSITIONS[state][kind];
      it(`${state} + ${kind} -> ${target}`, () => {
        const before = recordIn(state);
        const outcome = billingStateAfter(before, event(kind, now, ahead(30)), now);
        if (target === "ignore") {
          expect(outcome.status).toBe("ignored-unexpected");
          if (outcome.status === "applied") return;
          expect(outcome.reason).toContain(kind);
          expect(outcome.record).toBe(before);
          expect(outcome.effects).toEqual([]);
          return;
        }
        const { record, effects, from } = applied(outcome);
        expect(from).toBe(state);
        expect(record.state).toBe(target);
        // graceEndsAt is set exactly while past_due
        expect(record.graceEndsAt !== null).toBe(target === "past_due");
        expect(record.cancelAtPeriodEnd).toBe(target === "canceled" ? true : target === "active" ? false : before.cancelAtPeriodEnd);
        // provider events advance lastEventAt; our timers do not
        expect(record.lastEventAt).toEqual(isTimeEvent(kind) ? before.lastEventAt : now);
        // provider events carry the period end; timers keep the record's
        expect(record.periodEnd).toEqual(isTimeEvent(kind) ? before.periodEnd : ahead(30));
        // the coarse tenant state is pushed exactly when it changes
        const tenantChange = effects.filter((e) => e.kind === "set-tenant-billing-state");
        if (TENANT_BILLING_STATE[state] === TENANT_BILLING_STATE[target]) expect(tenantChange).toEqual([]);
        else expect(tenantChange).toEqual([{ kind: "set-tenant-billing-state", value: TENANT_BILLING_STATE[target] }]);
        // a state change into a notifying state tells someone
        if (state !== target && target !== "canceled") expect(effects.some((e) => e.kind === "notify")).toBe(true);
        if (target === "past_due" && state !== "past_due") {
          expect(effects).toContainEqual({ kind: "schedule", job: "billing.grace-end", at: record.graceEndsAt });
          expect(effects).toContainEqual({ kind: "notify", event: "billing.payment-failed" });
        }
        if (target === "canceled") expect(effects).toContainEqual({ kind: "schedule", job: "billing.period-end", at: record.periodEnd });
      });
    }
  }
});

describe("every event in every state", () => {
  it("never throws, and an ignored event leaves the record untouched", () => {
    for (const state of BILLING_STATES) {
      for (const kind of BILLING_EVENT_KINDS) {
        for (const at of [ago(3), now, ahead(1)]) {
          const before = recordIn(state);
          const outcome = billingStateAfter(before, event(kind, at), now);
          expect(["applied", "ignored-stale", "ignored-unexpected"]).toContain(outcome.status);
          if (outcome.status !== "applied") {
            expect(outcome.record).toBe(before);
            expect(outcome.reason.length).toBeGreaterThan(0);
          }
        }
      }
    }
  });
});

describe("out-of-order safety", () => {
  it("ignores a provider event older than the last applied one", () => {
    const suspended = recordIn("suspended", { lastEventAt: now });
    const old = billingStateAfter(suspended, event("payment.failed", ago(1)), now);
    expect(old.status).toBe("ignored-stale");
    const activeNow = recordIn("active", { lastEventAt: now });
    const lateFailure = billingStateAfter(activeNow, event("payment.failed", ago(1)), now);
    expect(lateFailure).toMatchObject({ status: "ignored-stale", record: activeNow });
  });

  it("an older event never moves a subscription backwards, whatever the delivery order", () => {
    const t = (h: number) => new Date(ago(10).getTime() + h * HOUR_MS);
    const events = [event("subscription.active", t(0)), event("payment.failed", t(1)), event("payment.succeeded", t(2)), event("subscription.renewed", t(3))];
    const orders = [events, [...events].reverse(), [events[2]!, events[0]!, events[3]!, events[1]!], [events[1]!, events[3]!, events[0]!, events[2]!]];
    for (const order of orders) {
      let record: BillingRecord = { state: "trial", graceEndsAt: null, periodEnd: null, cancelAtPeriodEnd: false, lastEventAt: null };
      for (const e of order) record = billingStateAfter(record, e, now).record;
      expect(record.state).toBe("active");
      expect(record.lastEventAt).toEqual(t(3));
    }
  });

  it("applies an event with the same timestamp (duplicates are deduplicated by webhook-id upstream)", () => {
    const r = recordIn("active", { lastEventAt: now });
    expect(billingStateAfter(r, event("payment.failed", now), now).status).toBe("applied");
  });

  it("lets a late-delivered payment recover a tenant suspended by our timer", () => {
    const failedAt = ago(6);
    let r = applied(billingStateAfter(recordIn("active", { lastEventAt: ago(7) }), event("payment.failed", failedAt), failedAt)).record;
    r = applied(billingStateAfter(r, event("grace.ended", r.graceEndsAt!), now)).record;
    expect(r.state).toBe("suspended");
    const paid = applied(billingStateAfter(r, event("payment.succeeded", ago(2)), now));
    expect(paid.record.state).toBe("active");
    expect(paid.effects).toContainEqual({ kind: "notify", event: "billing.payment-recovered" });
  });
});

describe("timers", () => {
  it("ignores grace.ended before graceEndsAt (a timer from an earlier grace period)", () => {
    const r = recordIn("past_due", { graceEndsAt: ahead(2) });
    expect(billingStateAfter(r, event("grace.ended", ago(1)), now).status).toBe("ignored-stale");
    expect(applied(billingStateAfter(r, event("grace.ended", ahead(2)), ahead(2))).record.state).toBe("suspended");
  });

  it("ignores period.ended and trial.ended before periodEnd", () => {
    expect(billingStateAfter(recordIn("canceled", { periodEnd: ahead(3) }), event("period.ended"), now).status).toBe("ignored-stale");
    expect(billingStateAfter(recordIn("trial", { periodEnd: ahead(3) }), event("trial.ended"), now).status).toBe("ignored-stale");
  });

  it("keeps a canceled subscription usable until its period end, then ends it", () => {
    const active = recordIn("active", { periodEnd: ahead(10) });
    const canceled = applied(billingStateAfter(active, event("subscription.cancelled", now, ahead(10)), now));
    expect(canceled.record).toMatchObject({ state: "canceled", cancelAtPeriodEnd: true, periodEnd: ahead(10) });
    expect(canceled.effects).toContainEqual({ kind: "schedule", job: "billing.period-end", at: ahead(10) });
    expect(canceled.effects).toContainEqual({ kind: "set-tenant-billing-state", value: "canceled" });
    expect(hasAccess(canceled.record, ahead(9))).toBe(true);
    expect(hasAccess(canceled.record, ahead(10))).toBe(false);
    const ended = applied(billingStateAfter(canceled.record, event("period.ended", ahead(10)), ahead(10)));
    expect(ended.record.state).toBe("ended");
    expect(ended.effects).toContainEqual({ kind: "notify", event: "billing.subscription-ended" });
  });
});

describe("grace period", () => {
  it("starts at now + the configured days and is not restarted by repeated failures", () => {
    const first = applied(billingStateAfter(recordIn("active"), event("payment.failed"), now));
    expect(first.record.graceEndsAt).toEqual(ahead(DEFAULT_GRACE_DAYS));
    expect(first.effects).toContainEqual({ kind: "schedule", job: "billing.grace-reminder", at: ahead(DEFAULT_GRACE_DAYS - 1) });
    const later = new Date(now.getTime() + DAY_MS);
    const again = applied(billingStateAfter(first.record, event("payment.failed", later), later));
    expect(again.record.graceEndsAt).toEqual(ahead(DEFAULT_GRACE_DAYS));
    expect(again.effects).toEqual([]);
    for (const days of [MIN_GRACE_DAYS, 4, 6, MAX_GRACE_DAYS]) {
      const r = applied(billingStateAfter(recordIn("active"), event("payment.failed"), now, { graceDays: days }));
      expect(r.record.graceEndsAt).toEqual(ahead(days));
    }
  });

  it("rejects a grace period outside 3-7 whole days", () => {
    expect(DEFAULT_GRACE_DAYS).toBeGreaterThanOrEqual(MIN_GRACE_DAYS);
    expect(DEFAULT_GRACE_DAYS).toBeLessThanOrEqual(MAX_GRACE_DAYS);
    expect(resolveGraceDays()).toBe(DEFAULT_GRACE_DAYS);
    for (const bad of [0, 2, 8, 3.5, Number.NaN, -5, Number.POSITIVE_INFINITY]) {
      expect(() => resolveGraceDays(bad)).toThrow(RangeError);
      expect(() => billingStateAfter(recordIn("active"), event("payment.failed"), now, { graceDays: bad })).toThrow(RangeError);
    }
  });
});

describe("tenant billing_state and access", () => {
  it("maps every machine state onto the coarse enum", () => {
    for (const state of BILLING_STATES) expect(["trial", "active", "past_due", "canceled"]).toContain(toTenantBillingState(state));
    expect(toTenantBillingState("suspended")).toBe("past_due");
    expect(toTenantBillingState("on_hold")).toBe("past_due");
    expect(toTenantBillingState("ended")).toBe("canceled");
    expect(toTenantBillingState("expired")).toBe("canceled");
  });

  it("grants access in trial, active, past_due (grace) and canceled-until-period-end only", () => {
    const access = Object.fromEntries(BILLING_STATES.map((s) => [s, hasAccess(recordIn(s, { periodEnd: ahead(1) }), now)]));
    expect(access).toEqual({ trial: true, active: true, past_due: true, canceled: true, suspended: false, on_hold: false, ended: false, expired: false });
  });
});

describe("subscriptionFromFacts (the record as the fold of a subscription's events)", () => {
  const fact = (id: string, kind: SubscriptionFact["kind"], at: Date, extra: Partial<SubscriptionFact> = {}): SubscriptionFact => ({
    id,
    kind,
    at,
    periodEnd: null,
    productId: null,
    ...extra,
  });
  const permutationsOf = <T,>(items: T[]): T[][] =>
    items.length <= 1 ? [items] : items.flatMap((item, i) => permutationsOf([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));

  it("starts in trial with nothing known", () => {
    expect(subscriptionFromFacts([], now)).toEqual({
      record: { state: "trial", graceEndsAt: null, periodEnd: null, cancelAtPeriodEnd: false, lastEventAt: null },
      productId: null,
    });
  });

  it("gives the same record and product for every order of the same events", () => {
    const facts = [
      fact("a", "subscription.active", ago(40), { productId: "prod_pro", periodEnd: ago(10) }),
      fact("b", "payment.succeeded", ago(39.9)),
      fact("c", "subscription.active", ago(30), { productId: "prod_business" }),
      fact("d", "payment.failed", ago(12)),
      fact("e", "payment.succeeded", ago(11)),
      fact("f", "subscription.cancelled", ago(2), { periodEnd: ahead(20) }),
    ];
    const want = subscriptionFromFacts(facts, now);
    expect(want).toEqual({
      record: { state: "canceled", graceEndsAt: null, periodEnd: ahead(20), cancelAtPeriodEnd: true, lastEventAt: ago(2) },
      productId: "prod_business",
    });
    for (const order of permutationsOf(facts)) expect(subscriptionFromFacts(order, now)).toEqual(want);
  });

  it("runs a grace period from the failed payment's own time, not from when it is folded", () => {
    const { record } = subscriptionFromFacts([fact("a", "subscription.active", ago(3)), fact("b", "payment.failed", ago(2))], now);
    expect(record).toMatchObject({ state: "past_due", graceEndsAt: new Date(ago(2).getTime() + DEFAULT_GRACE_DAYS * DAY_MS) });
  });

  it("fires the timers that came due between two events, and up to now", () => {
    const active = fact("a", "subscription.active", ago(20));
    const failed = fact("b", "payment.failed", ago(19));
    // The grace ran out before the next failed retry: suspended stays suspended (a retry does not reopen grace).
    const retried = subscriptionFromFacts([active, failed, fact("c", "payment.failed", ago(1))], now);
    expect(retried.record).toMatchObject({ state: "suspended", graceEndsAt: null });
    // With nothing after it, the grace end fires at now too.
    expect(subscriptionFromFacts([active, failed], now).record.state).toBe("suspended");
    expect(subscriptionFromFacts([active, failed], ago(15)).record.state).toBe("past_due");
    // A cancellation whose period has ended is over; a trial nobody paid for expires after the silence.
    expect(subscriptionFromFacts([active, fact("d", "subscription.cancelled", ago(5), { periodEnd: ago(1) })], now).record.state).toBe("ended");
    const trialEnd = ago(3);
    const trial = [fact("e", "subscription.failed", ago(10), { periodEnd: trialEnd })];
    expect(subscriptionFromFacts(trial, new Date(trialEnd.getTime() + SUBSCRIPTION_TRIAL_SILENCE_MS - 1)).record.state).toBe("trial");
    expect(subscriptionFromFacts(trial, new Date(trialEnd.getTime() + SUBSCRIPTION_TRIAL_SILENCE_MS)).record.state).toBe("expired");
  });

  it("orders events with the same timestamp by id, and takes the product of the newest event that names one", () => {
    const same = ago(1);
    const facts = [fact("b", "subscription.on_hold", same), fact("a", "subscription.active", same, { productId: "prod_pro" })];
    expect(subscriptionFromFacts(facts, now)).toMatchObject({ record: { state: "on_hold" }, productId: "prod_pro" });
    expect(subscriptionFromFacts([...facts].reverse(), now)).toMatchObject({ record: { state: "on_hold" }, productId: "prod_pro" });
  });
});
