/**
 * Dunning with a controlled clock: a failed payment opens a grace period (past_due, the owners and
 * admins notified, a reminder and the grace end queued at the right instants); the reminder speaks once,
 * only while the same grace period runs; the grace end suspends (free plan, suspended mail); a payment
 * before it recovers and leaves the timers with nothing to do; a webhook processed twice notifies once.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DODO_PAYMENTS_WEBHOOK_KEY = "whsec_dGVzdC13ZWJob29rLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm";
  process.env.DODO_PRODUCT_PRO_MONTHLY = "prod_pro_monthly";
});

import { prisma } from "@/server/db/client";
import { applyTimeEvent, graceEndJob } from "@/server/domain/billing/apply-billing-event";
import { graceReminderJob, sendGraceReminder } from "@/server/domain/billing/dunning";
import { processWebhookEvent } from "@/server/domain/billing/process-webhook";
import { DEFAULT_GRACE_DAYS } from "@/server/domain/billing/state-machine";
import { at, BILLING_URL, billingTenant, expectRunAt, outbox, recipientsOf, subscriptionRow, tenantRow, timers, webhookAt } from "../helpers/billing";
import { deliverWebhook, subscriptionEvent, subscriptionPayment } from "../helpers/dodo-webhooks";
import { drainJobs } from "../helpers/jobs";
import { MINUTE_MS, DAY_MS } from "@/lib/time";

/** An active Pro subscription whose renewal failed at at(10 min), processed one minute later. */
async function pastDueTenant() {
  const t = await billingTenant();
  await webhookAt(subscriptionEvent("subscription.active", t.tenantId, at(0).toISOString()), at(MINUTE_MS));
  const failedAt = at(10 * MINUTE_MS);
  const failed = await webhookAt(subscriptionPayment("payment.failed", t.tenantId, `pay_${randomUUID()}`, failedAt.toISOString()), at(11 * MINUTE_MS));
  // The grace period runs from the failure (the provider's time), not from when we processed it.
  const graceEndsAt = new Date(failedAt.getTime() + DEFAULT_GRACE_DAYS * DAY_MS);
  return { ...t, failed, failedAt, graceEndsAt };
}

const graceEndPayload = async (tenantId: string) => graceEndJob.parse((await timers(tenantId, "billing.grace-end"))[0]!.payload);
const reminderPayload = async (tenantId: string) => graceReminderJob.parse((await timers(tenantId, "billing.grace-reminder"))[0]!.payload);

describe("a failed payment", () => {
  it("moves to past_due with a grace period, notifies owners and admins and queues the reminder and the grace end", async () => {
    const t = await pastDueTenant();
    expect(t.failed).toMatchObject({ status: "processed", note: "active -> past_due" });
    expect(await subscriptionRow(t.tenantId)).toMatchObject({ state: "past_due", graceEndsAt: t.graceEndsAt });
    expect(await tenantRow(t.tenantId)).toMatchObject({ billingState: "past_due", graceEndsAt: t.graceEndsAt, plan: "pro" });

    // Owners and admins only (email: bare users have no phone or push subscription); not members or guests.
    expect(await recipientsOf(t.tenantId, "billing.payment-failed")).toEqual(t.billingContacts);
    const [mail] = await outbox(t.tenantId, "billing.payment-failed");
    expect(mail).toMatchObject({ channel: "email", category: "billing", template: "paymentFailed", status: "pending" });
    expect(mail!.data).toEqual({ tenantName: t.name, amountMinor: 2_900, currency: "USD", graceEndsAt: t.graceEndsAt.toISOString(), url: BILLING_URL });
    expect(await recipientsOf(t.tenantId, "billing.subscription-activated")).toEqual(t.billingContacts);

    const [reminder] = await timers(t.tenantId, "billing.grace-reminder");
    const reminderAt = new Date(t.graceEndsAt.getTime() - DAY_MS);
    expectRunAt(reminder!, reminderAt);
    expect(reminder!.payload).toEqual({ tenantId: t.tenantId, at: reminderAt.toISOString(), graceEndsAt: t.graceEndsAt.toISOString() });
    const [graceEnd] = await timers(t.tenantId, "billing.grace-end");
    expectRunAt(graceEnd!, t.graceEndsAt);
    expect(graceEnd!.idempotencyKey).toBe(`${t.tenantId}:billing.grace-end:${t.graceEndsAt.toISOString()}`);

    // The mails render and reach the (dev) mailbox; the timers are not due yet.
    await drainJobs(prisma);
    const sent = await prisma.devMailboxMessage.findFirstOrThrow({ where: { to: t.owner.email, subject: `Your payment for ${t.name} failed` } });
    expect(sent.text).toContain("We could not charge $29.00");
    expect(sent.text).toContain(BILLING_URL);
    expect(await timers(t.tenantId, "billing.grace-end")).toMatchObject([{ status: "queued" }]);
  });

  it("sends the grace reminder once, a day before the end, with the days left", async () => {
    const t = await pastDueTenant();
    const payload = await reminderPayload(t.tenantId);
    const due = new Date(payload.at);
    expect(await sendGraceReminder(prisma, payload, due)).toEqual({ status: "sent", daysLeft: 1 });
    expect(await sendGraceReminder(prisma, payload, new Date(due.getTime() + MINUTE_MS))).toEqual({ status: "sent", daysLeft: 1 });
    const reminders = await outbox(t.tenantId, "billing.grace-reminder");
    expect(reminders.map((r) => r.userId).sort()).toEqual(t.billingContacts);
    expect(reminders[0]!.data).toEqual({ tenantName: t.name, daysLeft: 1, graceEndsAt: t.graceEndsAt.toISOString(), url: BILLING_URL });

    await drainJobs(prisma);
    expect(await prisma.devMailboxMessage.count({ where: { to: t.admin.email, subject: `1 day left to update your payment method for ${t.name}` } })).toBe(1);
  });

  it("suspends when the grace end runs after the deadline: free plan, suspended mail; an early run is ignored", async () => {
    const t = await pastDueTenant();
    const payload = await graceEndPayload(t.tenantId);
    expect(payload).toEqual({ tenantId: t.tenantId, at: t.graceEndsAt.toISOString() });

    const early = await applyTimeEvent(prisma, "grace.ended", payload, new Date(t.graceEndsAt.getTime() - MINUTE_MS));
    expect(early).toMatchObject({ status: "ignored", note: expect.stringMatching(/^stale: grace.ended before graceEndsAt/) });
    expect(await subscriptionRow(t.tenantId)).toMatchObject({ state: "past_due" });

    const late = new Date(t.graceEndsAt.getTime() + MINUTE_MS);
    expect(await applyTimeEvent(prisma, "grace.ended", payload, late)).toMatchObject({ status: "applied", from: "past_due", to: "suspended" });
    expect(await subscriptionRow(t.tenantId)).toMatchObject({ state: "suspended", graceEndsAt: null });
    expect(await tenantRow(t.tenantId)).toMatchObject({ billingState: "past_due", plan: "starter", graceEndsAt: null });
    expect(await recipientsOf(t.tenantId, "billing.suspended")).toEqual(t.billingContacts);
    expect((await outbox(t.tenantId, "billing.suspended"))[0]!.data).toEqual({ notice: "suspended", tenantName: t.name, url: BILLING_URL });

    // A retried job: nothing changes, nothing is sent again; the reminder has nothing to say any more.
    expect(await applyTimeEvent(prisma, "grace.ended", payload, late)).toMatchObject({ status: "ignored" });
    expect(await outbox(t.tenantId, "billing.suspended")).toHaveLength(2);
    expect(await sendGraceReminder(prisma, await reminderPayload(t.tenantId), late)).toEqual({ status: "skipped", reason: "subscription is suspended" });

    // Paying later recovers: the plan comes back and the recovery mail goes out.
    await webhookAt(subscriptionPayment("payment.succeeded", t.tenantId, `pay_${randomUUID()}`, late.toISOString()), new Date(late.getTime() + MINUTE_MS));
    expect(await tenantRow(t.tenantId)).toMatchObject({ billingState: "active", plan: "pro" });
    expect(await recipientsOf(t.tenantId, "billing.payment-recovered")).toEqual(t.billingContacts);
  });

  it("a payment before the deadline recovers; the reminder and the grace end then do nothing", async () => {
    const t = await pastDueTenant();
    const paidAt = new Date(t.failedAt.getTime() + DAY_MS);
    const paid = await webhookAt(subscriptionPayment("payment.succeeded", t.tenantId, `pay_${randomUUID()}`, paidAt.toISOString()), paidAt);
    expect(paid.note).toBe("past_due -> active");
    expect(await tenantRow(t.tenantId)).toMatchObject({ billingState: "active", graceEndsAt: null, plan: "pro" });
    expect(await recipientsOf(t.tenantId, "billing.payment-recovered")).toEqual(t.billingContacts);
    expect((await outbox(t.tenantId, "billing.payment-recovered"))[0]!.data).toEqual({ notice: "paymentRecovered", tenantName: t.name, url: BILLING_URL });

    const reminder = await reminderPayload(t.tenantId);
    expect(await sendGraceReminder(prisma, reminder, new Date(reminder.at))).toEqual({ status: "skipped", reason: "subscription is active" });
    const graceEnd = await applyTimeEvent(prisma, "grace.ended", await graceEndPayload(t.tenantId), new Date(t.graceEndsAt.getTime() + MINUTE_MS));
    expect(graceEnd).toMatchObject({ status: "ignored", note: expect.stringMatching(/^unexpected: grace.ended is not expected in state active/) });
    expect(await subscriptionRow(t.tenantId)).toMatchObject({ state: "active" });
    expect(await outbox(t.tenantId, "billing.suspended")).toHaveLength(0);
    expect(await outbox(t.tenantId, "billing.grace-reminder")).toHaveLength(0);
  });

  it("the same webhook processed twice at once, retried after its commit and redelivered under a new id notifies once", async () => {
    const t = await billingTenant();
    await webhookAt(subscriptionEvent("subscription.active", t.tenantId, at(0).toISOString()), at(MINUTE_MS));
    const failed = subscriptionPayment("payment.failed", t.tenantId, `pay_${randomUUID()}`, at(10 * MINUTE_MS).toISOString());
    expect(await deliverWebhook(failed)).toBe(200);
    const row = await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { providerEventId: failed.id } });
    const now = at(11 * MINUTE_MS);
    await Promise.all([processWebhookEvent(prisma, row.id, { now }), processWebhookEvent(prisma, row.id, { now })]);
    // The runner crashed after the commit and before recording success: the job runs again, later.
    await prisma.billingPaymentEvent.update({ where: { id: row.id }, data: { status: "failed" } });
    await processWebhookEvent(prisma, row.id, { now: at(20 * MINUTE_MS) });
    await webhookAt({ ...failed, id: `msg_${randomUUID()}` }, at(30 * MINUTE_MS));
    await drainJobs(prisma);

    const graceEndsAt = new Date(at(10 * MINUTE_MS).getTime() + DEFAULT_GRACE_DAYS * DAY_MS);
    expect(await subscriptionRow(t.tenantId)).toMatchObject({ state: "past_due", graceEndsAt });
    expect(await recipientsOf(t.tenantId, "billing.payment-failed")).toEqual(t.billingContacts);
    expect(await timers(t.tenantId, "billing.grace-end")).toHaveLength(1);
    expect(await timers(t.tenantId, "billing.grace-reminder")).toHaveLength(1);
    expect(await prisma.devMailboxMessage.count({ where: { to: t.owner.email, subject: `Your payment for ${t.name} failed` } })).toBe(1);
  });

  it("on hold and expiry send their own mails; the expired mail says why", async () => {
    const t = await billingTenant();
    await webhookAt(subscriptionEvent("subscription.active", t.tenantId, at(0).toISOString()), at(MINUTE_MS));
    await webhookAt(subscriptionEvent("subscription.on_hold", t.tenantId, at(2 * MINUTE_MS).toISOString()), at(3 * MINUTE_MS));
    expect(await tenantRow(t.tenantId)).toMatchObject({ billingState: "past_due", plan: "starter" });
    expect(await recipientsOf(t.tenantId, "billing.on-hold")).toEqual(t.billingContacts);
    expect((await outbox(t.tenantId, "billing.on-hold"))[0]).toMatchObject({ template: "billingNotice", data: { notice: "onHold", tenantName: t.name, url: BILLING_URL } });

    await webhookAt(subscriptionEvent("subscription.expired", t.tenantId, at(4 * MINUTE_MS).toISOString()), at(5 * MINUTE_MS));
    expect(await tenantRow(t.tenantId)).toMatchObject({ billingState: "canceled", plan: "starter" });
    const [expired] = await outbox(t.tenantId, "billing.subscription-expired");
    expect(expired).toMatchObject({ template: "subscriptionEnded", data: { tenantName: t.name, reason: "expired", url: BILLING_URL } });
  });
});
