/**
 * The hourly trial sweep with a controlled clock: (a) billing.trial-ending once per tenant and trial end,
 * in the last 3 days; (b) a tenant trial that ran out without a live subscription moves onto the free
 * Starter plan (badge active, trialEndsAt kept) with billing.trial-expired; (c) a subscription trial the
 * provider is silent about a day after its end gets trial.ended. Two sweeps, also at the same time,
 * change and notify once. The cron declaration queues one sweep per hour however many runners tick.
 */
import { describe, expect, it } from "vitest";
import { prisma } from "@/server/db/client";
import { sweepTrials, trialSweepJob } from "@/server/domain/billing/trial";
import { scheduleCronJobs, type JobDefinition } from "@/server/domain/jobs";
import { BILLING_URL, billingTenant, outbox, recipientsOf, subscriptionRow, tenantRow } from "../helpers/billing";
import { drainJobs } from "../helpers/jobs";
import { DAY_MS, HOUR_MS } from "@/lib/time";

const NOW = new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS);
const at = (ms: number) => new Date(NOW.getTime() + ms);

/** A tenant in trial whose trial ends at `trialEndsAt`. */
const trialTenant = (trialEndsAt: Date) => billingTenant({ trialEndsAt });

/** The subscription record of a subscription started with a trial of its own, ending at `periodEnd`. */
async function subscriptionTrial(tenantId: string, periodEnd: Date) {
  await prisma.billingTenantSubscription.create({
    data: { tenantId, provider: "dodo", providerSubscriptionId: `sub_${tenantId}`, state: "trial", planId: "pro", interval: "monthly", periodEnd },
  });
  await prisma.tenant.update({ where: { id: tenantId }, data: { plan: "pro" } });
}

describe("(a) trial ending", () => {
  it("warns the owners and admins once per trial end, in the last 3 days", async () => {
    const soon = await trialTenant(at(2.5 * DAY_MS));
    const later = await trialTenant(at(4 * DAY_MS));
    const subscribed = await trialTenant(at(2 * DAY_MS));
    await subscriptionTrial(subscribed.tenantId, at(10 * DAY_MS));

    await Promise.all([sweepTrials(prisma, NOW), sweepTrials(prisma, NOW)]);
    await sweepTrials(prisma, at(HOUR_MS));
    expect(await recipientsOf(soon.tenantId, "billing.trial-ending")).toEqual(soon.billingContacts);
    expect((await outbox(soon.tenantId, "billing.trial-ending"))[0]).toMatchObject({
      template: "trialEnding",
      data: { tenantName: soon.name, trialEndsAt: at(2.5 * DAY_MS).toISOString(), daysLeft: 3, url: BILLING_URL },
    });
    expect(await outbox(later.tenantId, "billing.trial-ending")).toHaveLength(0);
    // A subscription trial converts by itself: no "choose a plan" mail.
    expect(await outbox(subscribed.tenantId, "billing.trial-ending")).toHaveLength(0);

    const dayLater = await sweepTrials(prisma, at(DAY_MS));
    expect(await recipientsOf(later.tenantId, "billing.trial-ending")).toEqual(later.billingContacts);
    expect(await outbox(soon.tenantId, "billing.trial-ending")).toHaveLength(2);
    expect(dayLater.trialEndingNotified).toBe(1);

    // A trial extended by staff is a new trial end: it is announced again.
    await prisma.tenant.update({ where: { id: soon.tenantId }, data: { trialEndsAt: at(3 * DAY_MS) } });
    await sweepTrials(prisma, at(DAY_MS));
    expect(await outbox(soon.tenantId, "billing.trial-ending")).toHaveLength(4);
  });
});

describe("(b) tenant trial over", () => {
  it("moves the tenant onto the free Starter plan, keeps trialEndsAt and notifies once", async () => {
    const trialEndsAt = at(-HOUR_MS);
    const over = await trialTenant(trialEndsAt);
    await prisma.tenant.update({ where: { id: over.tenantId }, data: { plan: "pro" } }); // e.g. a trial of Pro granted by staff
    const running = await trialTenant(at(HOUR_MS));
    const subscribed = await trialTenant(at(-DAY_MS));
    await subscriptionTrial(subscribed.tenantId, at(10 * DAY_MS));
    const deleted = await trialTenant(trialEndsAt);
    await prisma.tenant.update({ where: { id: deleted.tenantId }, data: { deletedAt: NOW } });

    const results = await Promise.all([sweepTrials(prisma, NOW), sweepTrials(prisma, NOW)]);
    await sweepTrials(prisma, at(HOUR_MS / 2));
    expect(results.map((r) => r.tenantTrialsEnded).sort()).toEqual([0, 1]);

    expect(await tenantRow(over.tenantId)).toMatchObject({ billingState: "active", plan: "starter", trialEndsAt });
    expect(await recipientsOf(over.tenantId, "billing.trial-expired")).toEqual(over.billingContacts);
    expect((await outbox(over.tenantId, "billing.trial-expired"))[0]).toMatchObject({ template: "billingNotice", data: { notice: "trialExpired", tenantName: over.name, url: BILLING_URL } });

    expect(await tenantRow(running.tenantId)).toMatchObject({ billingState: "trial" });
    expect(await tenantRow(subscribed.tenantId)).toMatchObject({ billingState: "trial", plan: "pro" });
    expect(await tenantRow(deleted.tenantId)).toMatchObject({ billingState: "trial" });
    for (const t of [running, subscribed, deleted]) expect(await outbox(t.tenantId, "billing.trial-expired")).toHaveLength(0);

    // The mail renders: "on the free Starter plan".
    await drainJobs(prisma);
    const mail = await prisma.devMailboxMessage.findFirstOrThrow({ where: { to: over.owner.email } });
    expect(mail.subject).toBe(`Your trial of ${over.name} has ended`);
    expect(mail.text).toContain("continues on the free Starter plan");
  });
});

describe("(c) subscription trial over", () => {
  it("applies trial.ended a day after a silent trial end, once", async () => {
    const silent = await billingTenant();
    await subscriptionTrial(silent.tenantId, at(-25 * HOUR_MS));
    const recent = await billingTenant();
    await subscriptionTrial(recent.tenantId, at(-23 * HOUR_MS));

    const results = await Promise.all([sweepTrials(prisma, NOW), sweepTrials(prisma, NOW)]);
    await sweepTrials(prisma, at(HOUR_MS / 2));
    expect(results.map((r) => r.subscriptionTrialsEnded).sort()).toEqual([0, 1]);

    expect(await subscriptionRow(silent.tenantId)).toMatchObject({ state: "expired" });
    expect(await tenantRow(silent.tenantId)).toMatchObject({ billingState: "canceled", plan: "starter" });
    expect(await recipientsOf(silent.tenantId, "billing.trial-expired")).toEqual(silent.billingContacts);

    expect(await subscriptionRow(recent.tenantId)).toMatchObject({ state: "trial" });
    expect(await tenantRow(recent.tenantId)).toMatchObject({ plan: "pro" });
    await sweepTrials(prisma, at(2 * HOUR_MS));
    expect(await subscriptionRow(recent.tenantId)).toMatchObject({ state: "expired" });
  });
});

describe("billing.trial-sweep", () => {
  it("is queued once per hour however many runners tick, and runs on the real clock", async () => {
    const tick = () => scheduleCronJobs({ db: prisma, now: new Date(), jobs: [trialSweepJob as JobDefinition<unknown>] });
    const [a, b] = await Promise.all([tick(), tick()]);
    expect([a[0]!.created, b[0]!.created].sort()).toEqual([false, true]);
    expect(a[0]!.id).toBe(b[0]!.id);

    const over = await trialTenant(new Date(Date.now() - 60_000));
    const results = await drainJobs(prisma);
    expect(results.filter((r) => r.name === "billing.trial-sweep")).toMatchObject([{ status: "succeeded" }]);
    expect(await tenantRow(over.tenantId)).toMatchObject({ billingState: "active", plan: "starter" });
  });
});
