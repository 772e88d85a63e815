/**
 * The billing timers with a controlled clock: a cancellation schedules billing.period-end at the period
 * end, which ends the subscription; timers that are early, from an earlier grace period, for a period end
 * that moved, or for a subscription that recovered or was reactivated are ignored. One test runs due
 * timers through the local job runner, and the app's job list (src/server/jobs.ts) has them all.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DODO_PAYMENTS_WEBHOOK_KEY = "whsec_dGVzdC13ZWJob29rLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm";
  process.env.DODO_PRODUCT_PRO_MONTHLY = "prod_pro_monthly";
});

import { prisma } from "@/server/db/client";
import { applyTimeEvent, periodEndJob } from "@/server/domain/billing/apply-billing-event";
import { graceReminderJob, sendGraceReminder } from "@/server/domain/billing/dunning";
import { DEFAULT_GRACE_DAYS } from "@/server/domain/billing/state-machine";
import { jobs } from "@/server/jobs";
import { at, BILLING_URL, billingTenant, expectRunAt, outbox, recipientsOf, subscriptionRow, tenantRow, timers, webhookAt } from "../helpers/billing";
import { subscriptionEvent, subscriptionPayment } from "../helpers/dodo-webhooks";
import { drainJobs } from "../helpers/jobs";
import { MINUTE_MS, DAY_MS } from "@/lib/time";

const iso = (ms: number) => at(ms).toISOString();
const after = (d: Date, ms = MINUTE_MS) => new Date(d.getTime() + ms);

/** An active Pro subscription paid until `periodEnd`, activated at `activatedAt`. */
async function activeTenant(periodEnd: Date, activatedAt = at(0)) {
  const t = await billingTenant();
  await webhookAt(subscriptionEvent("subscription.active", t.tenantId, activatedAt.toISOString(), { next_billing_date: periodEnd.toISOString() }), after(activatedAt));
  return t;
}

const cancelAt = (tenantId: string, timestamp: string, periodEnd: Date) =>
  subscriptionEvent("subscription.active", tenantId, timestamp, { cancel_at_next_billing_date: true, next_billing_date: periodEnd.toISOString() });

const periodEndPayloads = async (tenantId: string) => (await timers(tenantId, "billing.period-end")).map((j) => periodEndJob.parse(j.payload));

describe("billing.period-end", () => {
  it("a cancellation at period end keeps access until then; the period end ends it", async () => {
    const periodEnd = at(30 * DAY_MS);
    const t = await activeTenant(periodEnd);
    const canceled = await webhookAt(cancelAt(t.tenantId, iso(2 * MINUTE_MS), periodEnd), at(3 * MINUTE_MS));
    expect(canceled.note).toBe("active -> canceled");
    expect(await subscriptionRow(t.tenantId)).toMatchObject({ state: "canceled", cancelAtPeriodEnd: true, periodEnd });
    expect(await tenantRow(t.tenantId)).toMatchObject({ billingState: "canceled", plan: "pro" });
    expect(await recipientsOf(t.tenantId, "billing.cancel-scheduled")).toEqual(t.billingContacts);
    expect((await outbox(t.tenantId, "billing.cancel-scheduled"))[0]).toMatchObject({
      template: "subscriptionCanceled",
      data: { tenantName: t.name, accessEndsAt: periodEnd.toISOString(), url: BILLING_URL },
    });
    const [job] = await timers(t.tenantId, "billing.period-end");
    expectRunAt(job!, periodEnd);
    const [payload] = await periodEndPayloads(t.tenantId);

    expect(await applyTimeEvent(prisma, "period.ended", payload!, new Date(periodEnd.getTime() - MINUTE_MS))).toMatchObject({
      status: "ignored",
      note: expect.stringMatching(/^stale: period.ended before periodEnd/),
    });
    expect(await tenantRow(t.tenantId)).toMatchObject({ billingState: "canceled", plan: "pro" });

    expect(await applyTimeEvent(prisma, "period.ended", payload!, after(periodEnd))).toMatchObject({ status: "applied", from: "canceled", to: "ended" });
    expect(await subscriptionRow(t.tenantId)).toMatchObject({ state: "ended" });
    expect(await tenantRow(t.tenantId)).toMatchObject({ billingState: "canceled", plan: "starter" });
    expect((await outbox(t.tenantId, "billing.subscription-ended")).map((r) => r.data)).toEqual([
      { tenantName: t.name, reason: "canceled", url: BILLING_URL },
      { tenantName: t.name, reason: "canceled", url: BILLING_URL },
    ]);
    // Retried: nothing more.
    expect(await applyTimeEvent(prisma, "period.ended", payload!, after(periodEnd, 2 * MINUTE_MS))).toMatchObject({ status: "ignored" });
    expect(await outbox(t.tenantId, "billing.subscription-ended")).toHaveLength(2);
  });

  it("ignores the timer of a period end that moved, and ends at the new one", async () => {
    const first = at(30 * DAY_MS);
    const moved = at(60 * DAY_MS);
    const t = await activeTenant(first);
    await webhookAt(cancelAt(t.tenantId, iso(2 * MINUTE_MS), first), at(3 * MINUTE_MS));
    await webhookAt(cancelAt(t.tenantId, iso(4 * MINUTE_MS), moved), at(5 * MINUTE_MS));
    expect(await recipientsOf(t.tenantId, "billing.cancel-scheduled")).toEqual(t.billingContacts);
    const jobs = await timers(t.tenantId, "billing.period-end");
    expect(jobs).toHaveLength(2);
    expectRunAt(jobs[1]!, moved);
    const [old, current] = await periodEndPayloads(t.tenantId);

    expect(await applyTimeEvent(prisma, "period.ended", old!, after(first))).toMatchObject({ status: "ignored", note: expect.stringMatching(/^stale/) });
    expect(await tenantRow(t.tenantId)).toMatchObject({ billingState: "canceled", plan: "pro" });
    expect(await applyTimeEvent(prisma, "period.ended", current!, after(moved))).toMatchObject({ status: "applied", to: "ended" });
  });

  it("a withdrawn cancellation sends its mail, and the period end then does nothing", async () => {
    const periodEnd = at(30 * DAY_MS);
    const t = await activeTenant(periodEnd);
    await webhookAt(cancelAt(t.tenantId, iso(2 * MINUTE_MS), periodEnd), at(3 * MINUTE_MS));
    const withdrawn = await webhookAt(subscriptionEvent("subscription.active", t.tenantId, iso(4 * MINUTE_MS), { next_billing_date: periodEnd.toISOString() }), at(5 * MINUTE_MS));
    expect(withdrawn.note).toBe("canceled -> active");
    expect(await tenantRow(t.tenantId)).toMatchObject({ billingState: "active", plan: "pro" });
    expect((await outbox(t.tenantId, "billing.cancel-withdrawn"))[0]!.data).toEqual({ tenantName: t.name, renewsAt: periodEnd.toISOString(), url: BILLING_URL });

    const [payload] = await periodEndPayloads(t.tenantId);
    expect(await applyTimeEvent(prisma, "period.ended", payload!, after(periodEnd))).toMatchObject({ status: "ignored", note: expect.stringMatching(/^unexpected/) });
    expect(await subscriptionRow(t.tenantId)).toMatchObject({ state: "active" });
    expect(await outbox(t.tenantId, "billing.subscription-ended")).toHaveLength(0);
  });
});

describe("stale grace timers", () => {
  it("the timers of an earlier grace period are ignored; the current one's suspend", async () => {
    const t = await activeTenant(at(30 * DAY_MS));
    const fail = (minutes: number) =>
      webhookAt(subscriptionPayment("payment.failed", t.tenantId, `pay_${randomUUID()}`, iso(minutes * MINUTE_MS)), at((minutes + 1) * MINUTE_MS));
    await fail(10);
    const firstGraceEnd = at(10 * MINUTE_MS + DEFAULT_GRACE_DAYS * DAY_MS);
    await webhookAt(subscriptionPayment("payment.succeeded", t.tenantId, `pay_${randomUUID()}`, iso(DAY_MS)), at(DAY_MS + MINUTE_MS));
    await fail(2 * 24 * 60);
    const secondGraceEnd = at(2 * 24 * 60 * MINUTE_MS + DEFAULT_GRACE_DAYS * DAY_MS);
    expect(await subscriptionRow(t.tenantId)).toMatchObject({ state: "past_due", graceEndsAt: secondGraceEnd });
    expect(await outbox(t.tenantId, "billing.payment-failed")).toHaveLength(4);

    const graceEnds = await timers(t.tenantId, "billing.grace-end");
    expect(graceEnds.map((j) => (j.payload as { at: string }).at)).toEqual([firstGraceEnd.toISOString(), secondGraceEnd.toISOString()]);
    const [oldReminder, reminder] = (await timers(t.tenantId, "billing.grace-reminder")).map((j) => graceReminderJob.parse(j.payload));

    // The first grace period's timers, run when they were due: the tenant is past due again, but in another grace period.
    expect(await sendGraceReminder(prisma, oldReminder!, new Date(oldReminder!.at))).toEqual({ status: "skipped", reason: "another grace period" });
    expect(await applyTimeEvent(prisma, "grace.ended", { tenantId: t.tenantId, at: firstGraceEnd.toISOString() }, after(firstGraceEnd))).toMatchObject({
      status: "ignored",
      note: expect.stringMatching(/^stale: grace.ended before graceEndsAt/),
    });
    expect(await subscriptionRow(t.tenantId)).toMatchObject({ state: "past_due" });
    expect(await outbox(t.tenantId, "billing.grace-reminder")).toHaveLength(0);

    expect(await sendGraceReminder(prisma, reminder!, new Date(reminder!.at))).toMatchObject({ status: "sent" });
    expect(await applyTimeEvent(prisma, "grace.ended", { tenantId: t.tenantId, at: secondGraceEnd.toISOString() }, after(secondGraceEnd))).toMatchObject({
      status: "applied",
      to: "suspended",
    });
    expect(await recipientsOf(t.tenantId, "billing.suspended")).toEqual(t.billingContacts);
  });

  it("a timer for a tenant without a subscription is a no-op", async () => {
    const t = await billingTenant();
    expect(await applyTimeEvent(prisma, "grace.ended", { tenantId: t.tenantId, at: iso(0) }, at(MINUTE_MS))).toMatchObject({ status: "ignored" });
  });
});

describe("the timer jobs", () => {
  it("are in the app's job list (src/server/jobs.ts), with the trial sweep hourly", () => {
    const byName = new Map(jobs.map((j) => [j.name, j]));
    for (const name of ["billing.grace-end", "billing.grace-reminder", "billing.period-end", "billing.trial-sweep"]) expect(byName.get(name), name).toBeDefined();
    expect(byName.get("billing.trial-sweep")?.cron).toBe("0 * * * *");
  });

  it("a due period-end runs through the local runner on the real clock", async () => {
    // Canceled with the period ending in a moment: the timer is due then (on the real clock).
    const periodEnd = new Date(Date.now() + 1_000);
    const t = await activeTenant(at(30 * DAY_MS), new Date(Date.now() - 2 * MINUTE_MS));
    await webhookAt(cancelAt(t.tenantId, new Date(Date.now() - 30 * 1000).toISOString(), periodEnd), new Date());
    expect(await subscriptionRow(t.tenantId)).toMatchObject({ state: "canceled" });
    await sleep(Math.max(0, periodEnd.getTime() - Date.now()) + 50);
    const results = await drainJobs(prisma);
    expect(results.filter((r) => r.name === "billing.period-end")).toMatchObject([{ status: "succeeded" }]);
    expect(await subscriptionRow(t.tenantId)).toMatchObject({ state: "ended" });
    expect(await tenantRow(t.tenantId)).toMatchObject({ plan: "starter" });
    expect(await prisma.devMailboxMessage.count({ where: { to: t.owner.email, subject: `Your subscription for ${t.name} has ended` } })).toBe(1);
  });
});
