import { z } from "zod";
import type { Db, DbTx } from "@/server/db/client";
import { lockTenantRow } from "@/server/db/locks";
import { inTransaction, type Tx } from "@/server/db/transaction";
import { defineJob } from "@/server/domain/jobs";
import { DEFAULT_PLAN } from "@/server/domain/plans/plans";
import { applyTimeEvent } from "./apply-billing-event";
import { billingMailUrl, notifyBillingContacts } from "./billing-notifications";
import { SUBSCRIPTION_TRIAL_SILENCE_MS } from "./state-machine";
import { findLiveSubscription, isLiveSubscription } from "./subscription-actions";
import { DAY_MS } from "@/lib/time";

// The hourly trial sweep. Tenants start in billing_state trial with trialEndsAt = sign-up + 14 days and
// no subscription (provision-tenant.ts); a subscription may also start with a trial of its own. The sweep
// (a) warns the billing contacts in the last days of a tenant trial, (b) moves a tenant whose trial ran
// out without a paid subscription onto the free Starter plan, and (c) feeds trial.ended into the state
// machine for a subscription trial the provider has said nothing about since it ended. Every step is
// idempotent, so a second run or a second runner at the same time changes and notifies nothing more.

/** How long before the trial's end the billing contacts hear that it ends. */
export const TRIAL_ENDING_NOTICE_DAYS = 3;
const PAGE_SIZE = 200;

export interface TrialSweepResult {
  /** Tenants whose billing contacts were told the trial ends soon (this run only). */
  trialEndingNotified: number;
  /** Tenant trials that ended: now on the free plan. */
  tenantTrialsEnded: number;
  /** Subscription trials the state machine moved on (trial.ended). */
  subscriptionTrialsEnded: number;
}

/** Calls `each` for every row `page` returns, a page at a time in id order (rows may leave the set meanwhile). */
async function forEachInPages<T extends { id: string }>(page: (afterId: string | undefined) => Promise<T[]>, each: (row: T) => Promise<void>): Promise<void> {
  let afterId: string | undefined;
  for (;;) {
    const rows = await page(afterId);
    for (const row of rows) await each(row);
    if (rows.length < PAGE_SIZE) return;
    afterId = rows[rows.length - 1]!.id;
  }
}

const afterIdWhere = (afterId: string | undefined) => (afterId ? { id: { gt: afterId } } : {});

/** (a) billing.trial-ending once per tenant and trialEndsAt (the notification's idempotency key). */
async function notifyTrialsEnding(db: Db | DbTx, now: Date): Promise<number> {
  let notified = 0;
  await forEachInPages(
    (afterId) =>
      db.tenant.findMany({
        where: {
          billingState: "trial",
          deletedAt: null,
          trialEndsAt: { gt: now, lte: new Date(now.getTime() + TRIAL_ENDING_NOTICE_DAYS * DAY_MS) },
          ...afterIdWhere(afterId),
        },
        select: { id: true, name: true, trialEndsAt: true, billingSubscription: { select: { state: true, periodEnd: true } } },
        orderBy: { id: "asc" },
        take: PAGE_SIZE,
      }),
    async (tenant) => {
      // A subscription trial converts by itself (the card is on file): "choose a plan" would be wrong.
      if (!tenant.trialEndsAt || (tenant.billingSubscription && isLiveSubscription(tenant.billingSubscription, now))) return;
      const { messages } = await notifyBillingContacts(db, {
        tenantId: tenant.id,
        event: "billing.trial-ending",
        data: {
          tenantName: tenant.name,
          trialEndsAt: tenant.trialEndsAt.toISOString(),
          daysLeft: Math.ceil((tenant.trialEndsAt.getTime() - now.getTime()) / DAY_MS),
          url: billingMailUrl(),
        },
        occurrence: tenant.trialEndsAt.toISOString(),
      });
      if (messages.some((m) => !m.duplicate)) notified += 1;
    },
  );
  return notified;
}

/** (b) One tenant's trial is over: the free plan, badge active, trialEndsAt kept as history. */
async function endTenantTrial(tx: Tx, tenantId: string, now: Date): Promise<boolean> {
  // The tenant row lock orders this against a webhook applying a new subscription (it updates this row
  // too): either that subscription is visible below, or it commits after us and sets its own state.
  await lockTenantRow(tx, tenantId);
  const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { name: true, billingState: true, trialEndsAt: true } });
  if (tenant.billingState !== "trial" || !tenant.trialEndsAt || tenant.trialEndsAt.getTime() > now.getTime()) return false;
  if (await findLiveSubscription(tx, tenantId, now)) return false;

  await tx.tenant.update({ where: { id: tenantId }, data: { billingState: "active", plan: DEFAULT_PLAN } });
  await notifyBillingContacts(tx, {
    tenantId,
    event: "billing.trial-expired",
    data: { tenantName: tenant.name, url: billingMailUrl() },
    occurrence: tenant.trialEndsAt.toISOString(),
  });
  return true;
}

async function endTenantTrials(db: Db | DbTx, now: Date): Promise<number> {
  let ended = 0;
  await forEachInPages(
    (afterId) =>
      db.tenant.findMany({
        where: { billingState: "trial", deletedAt: null, trialEndsAt: { lte: now }, ...afterIdWhere(afterId) },
        select: { id: true },
        orderBy: { id: "asc" },
        take: PAGE_SIZE,
      }),
    async ({ id }) => {
      if (await inTransaction(db, (tx) => endTenantTrial(tx, id, now))) ended += 1;
    },
  );
  return ended;
}

/** (c) trial.ended for subscription trials the provider went quiet about; the machine locks and decides. */
async function endSubscriptionTrials(db: Db | DbTx, now: Date): Promise<number> {
  let ended = 0;
  await forEachInPages(
    (afterId) =>
      db.billingTenantSubscription.findMany({
        where: { state: "trial", periodEnd: { lt: new Date(now.getTime() - SUBSCRIPTION_TRIAL_SILENCE_MS) }, ...afterIdWhere(afterId) },
        select: { id: true, tenantId: true, periodEnd: true },
        orderBy: { id: "asc" },
        take: PAGE_SIZE,
      }),
    async (sub) => {
      if (!sub.periodEnd) return;
      const result = await applyTimeEvent(db, "trial.ended", { tenantId: sub.tenantId, at: sub.periodEnd.toISOString() }, now);
      if (result.status === "applied") ended += 1;
    },
  );
  return ended;
}

export async function sweepTrials(db: Db | DbTx, now: Date): Promise<TrialSweepResult> {
  return {
    trialEndingNotified: await notifyTrialsEnding(db, now),
    tenantTrialsEnded: await endTenantTrials(db, now),
    subscriptionTrialsEnded: await endSubscriptionTrials(db, now),
  };
}

export const trialSweepJob = defineJob({
  name: "billing.trial-sweep",
  cron: "0 * * * *",
  parse: (payload) => z.object({ scheduledAt: z.iso.datetime() }).parse(payload),
  run: (_payload, ctx) => sweepTrials(ctx.db, new Date()),
  retry: { maxAttempts: 3, baseDelayMs: 30_000, maxDelayMs: 10 * 60_000 },
});
