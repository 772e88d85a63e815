import { z } from "zod";
import type { DbTx } from "@/server/db/client";
import { defineJob, PermanentJobError } from "@/server/domain/jobs";
import { usageAddOn } from "@/server/domain/plans/plans";
import { paymentProvider } from "@/server/providers/payments";
import {
  PaymentProviderError,
  USAGE_BATCH_LIMIT,
  USAGE_MAX_AGE_MS,
  type PaymentProvider,
  type UsageEvent as MeterEvent,
} from "@/server/providers/payments/types";
import { previousUsagePeriod } from "./metrics";
import { METERED_METRICS, METERED_PLAN_IDS } from "./overage";

// Sends the metered usage (api_calls) of tenants on metered plans to the payment provider's meter as
// Dodo usage events, so the provider bills the add-on. Per tenant with a billing customer at the
// provider: its unreported events (reportedAt null), oldest first, in batches of USAGE_BATCH_LIMIT.
//
// - Stable ids: the provider event id is the usage event's id, and the provider ignores an id it has
//   seen. reportedAt is set only after the provider accepted the batch, so a crash between the two,
//   a retry or two runners sending the same batch at once re-send ids the provider drops.
// - Timestamps: the provider rejects events older than 1 hour (or more than 5 minutes ahead). An event
//   that is still comfortably inside that window keeps its occurred_at; any other (the reporter was
//   down, the tenant's billing customer appeared later) is stamped with the send time, so it still
//   counts in the provider's current billing period rather than being rejected and blocking the rest.
// - Only events of the current and the previous usage period are sent: older periods are closed and
//   billed (overage.ts), and the bound keeps the scan on the (tenant, metric, occurred_at) index short.
// - A retryable provider error (down, 5xx, 429) stops the run and rethrows: the job retries and nothing
//   after the failed batch is marked. A refusal (non-retryable) concerns that tenant's request: the run
//   goes on with the other tenants and lists the failure; the job then fails without retry and the
//   next scheduled run tries again.

/** Slack for the time between stamping and the provider checking the window. */
export const REPORT_TIMESTAMP_MARGIN_MS = 5 * 60_000;

export interface ReportUsageResult {
  /** Usage events the provider accepted in this run (their reportedAt is set). */
  reported: number;
  /** Provider calls made (one per batch). */
  batches: number;
  /** Tenants whose events the provider refused (non-retryable); their events stay unreported. */
  failed: { tenantId: string; error: string }[];
}

/** The occurred_at if the provider will still take it, else the send time. */
export function meterTimestamp(occurredAt: Date, now: Date): Date {
  const age = now.getTime() - occurredAt.getTime();
  return age >= 0 && age <= USAGE_MAX_AGE_MS - REPORT_TIMESTAMP_MARGIN_MS ? occurredAt : now;
}

/** Sends one tenant's unreported events, batch by batch, counting what the provider accepted in `result`. */
async function reportTenantUsage(
  db: DbTx,
  provider: PaymentProvider,
  customer: { tenantId: string; providerCustomerId: string },
  now: Date,
  result: ReportUsageResult,
): Promise<void> {
  const since = previousUsagePeriod(now).start;
  for (;;) {
    const events = await db.usageEvent.findMany({
      where: { tenantId: customer.tenantId, metric: { in: METERED_METRICS }, reportedAt: null, occurredAt: { gte: since } },
      select: { id: true, units: true, occurredAt: true },
      orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
      take: USAGE_BATCH_LIMIT,
    });
    if (events.length === 0) return;
    const batch: MeterEvent[] = events.map((e) => ({
      eventId: e.id,
      customerId: customer.providerCustomerId,
      eventName: usageAddOn.meterEventName,
      timestamp: meterTimestamp(e.occurredAt, now),
      metadata: { units: e.units },
    }));
    await provider.reportUsage(batch);
    await db.usageEvent.updateMany({ where: { id: { in: events.map((e) => e.id) }, reportedAt: null }, data: { reportedAt: now } });
    result.batches += 1;
    result.reported += events.length;
    if (events.length < USAGE_BATCH_LIMIT) return;
  }
}

export async function reportUsageToProvider(db: DbTx, provider: PaymentProvider, { now }: { now: Date }): Promise<ReportUsageResult> {
  const customers = await db.billingCustomer.findMany({
    where: { provider: provider.name, tenant: { plan: { in: METERED_PLAN_IDS } } },
    select: { tenantId: true, providerCustomerId: true },
    orderBy: { tenantId: "asc" },
  });
  const result: ReportUsageResult = { reported: 0, batches: 0, failed: [] };
  for (const customer of customers) {
    try {
      await reportTenantUsage(db, provider, customer, now, result);
    } catch (error) {
      if (!(error instanceof PaymentProviderError) || error.retryable) throw error;
      result.failed.push({ tenantId: customer.tenantId, error: error.message });
    }
  }
  return result;
}

export const reportUsageJob = defineJob({
  name: "usage.report",
  cron: "*/5 * * * *",
  parse: (payload) => z.object({ scheduledAt: z.iso.datetime() }).parse(payload),
  run: async (_payload, ctx) => {
    const result = await reportUsageToProvider(ctx.db, paymentProvider, { now: new Date() });
    if (result.failed.length > 0) {
      const tenants = result.failed.map((f) => `${f.tenantId}: ${f.error}`).join("; ");
      throw new PermanentJobError(`Reported ${result.reported} usage events; the provider refused those of ${result.failed.length} tenant(s): ${tenants}`);
    }
    return result;
  },
  retry: { maxAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 5 * 60_000 },
});
