/**
 * Reporting metered usage to the payment provider's meter, against the real simulator provider: api_calls
 * events of tenants on metered plans with a billing customer at the provider, oldest first, in batches
 * of at most 1,000 with the usage event id as the provider's event id; reportedAt only after the
 * provider accepted a batch; timestamps inside the provider's 1-hour window (late events stamped at send
 * time); a failing provider leaves events for the next run; the usage.report cron job.
 *
 * The simulator checks timestamps against the real clock, so `now` here is the real time.
 */
import { describe, expect, it, vi } from "vitest";

// The job reports through the app's paymentProvider: make it the simulator (no Dodo key) before any app module loads.
vi.hoisted(() => {
  delete process.env.DODO_PAYMENTS_API_KEY;
});

import { prisma } from "@/server/db/client";
import { paymentProvider } from "@/server/providers/payments";
import type { JobDefinition } from "@/server/domain/jobs";
import { meterTimestamp, REPORT_TIMESTAMP_MARGIN_MS, reportUsageJob, reportUsageToProvider } from "@/server/domain/usage/report-usage";
import { previousUsagePeriod } from "@/server/domain/usage/metrics";
import type { PlanId } from "@/server/domain/plans/plans";
import { createSimulatorPaymentProvider } from "@/server/providers/payments/simulator/provider";
import { usageEventObjectId } from "@/server/providers/payments/simulator/objects";
import { PaymentProviderError, USAGE_MAX_AGE_MS, type PaymentProvider, type UsageEvent } from "@/server/providers/payments/types";
import { drainJobs } from "../helpers/jobs";
import { addUsageEvents, planTenant, runCronJob } from "../helpers/usage-jobs";
import { MINUTE_MS } from "@/lib/time";

const simulator = createSimulatorPaymentProvider({ db: prisma, appUrl: "http://localhost:3000" });

/** A tenant on `plan` with a customer at the simulator (unless `customer` says otherwise). */
async function reportingTenant(plan: PlanId, customer: "simulator" | "unknown-to-simulator" | "none" = "simulator") {
  const tenantId = await planTenant(plan);
  if (customer === "none") return { tenantId, customerId: null };
  const customerId =
    customer === "simulator" ? (await simulator.createCustomer({ email: `${tenantId}@example.com`, name: tenantId, metadata: { tenantId } })).customerId : `cus_gone_${tenantId}`;
  await prisma.billingCustomer.create({ data: { tenantId, provider: "simulator", providerCustomerId: customerId } });
  return { tenantId, customerId };
}

/** The simulator wrapped so every reportUsage call is recorded; `fail` may throw instead of a call (1-based). */
function recordingProvider(fail?: (call: number) => PaymentProviderError | null) {
  const calls: UsageEvent[][] = [];
  const provider: PaymentProvider = {
    ...simulator,
    reportUsage: async (events) => {
      const error = fail?.(calls.length + 1);
      calls.push(events);
      if (error) throw error;
      return simulator.reportUsage(events);
    },
  };
  return { provider, calls };
}

const retryable = () => new PaymentProviderError("Dodo is down (503)", { retryable: true, status: 503, provider: "simulator" });

/** The events the simulator stored for a customer. */
const meterOf = (customerId: string) =>
  prisma.paymentSimulatorObject.findMany({ where: { kind: "usage_event", data: { path: ["customer_id"], equals: customerId } } });

const unreported = (tenantId: string) => prisma.usageEvent.count({ where: { tenantId, reportedAt: null } });

describe("meterTimestamp", () => {
  it("keeps occurred_at inside the provider's window (less a margin) and stamps anything else with the send time", () => {
    const now = new Date();
    const ago = (ms: number) => new Date(now.getTime() - ms);
    expect(meterTimestamp(ago(0), now)).toEqual(now);
    expect(meterTimestamp(ago(10 * MINUTE_MS), now)).toEqual(ago(10 * MINUTE_MS));
    expect(meterTimestamp(ago(USAGE_MAX_AGE_MS - REPORT_TIMESTAMP_MARGIN_MS), now)).toEqual(ago(USAGE_MAX_AGE_MS - REPORT_TIMESTAMP_MARGIN_MS));
    expect(meterTimestamp(ago(USAGE_MAX_AGE_MS - REPORT_TIMESTAMP_MARGIN_MS + 1), now)).toEqual(now);
    expect(meterTimestamp(ago(3 * 60 * MINUTE_MS), now)).toEqual(now);
    expect(meterTimestamp(ago(-MINUTE_MS), now)).toEqual(now); // a client clock ahead
  });
});

describe("reportUsageToProvider", () => {
  it("sends 2,500 events in 3 batches of at most 1,000, oldest first, with stable ids; a rerun sends nothing", async () => {
    const now = new Date();
    const { tenantId, customerId } = await reportingTenant("pro");
    // Newest first in the table, oldest 2,500 ms before the newest.
    const ids = await addUsageEvents(
      tenantId,
      Array.from({ length: 2_500 }, (_, i) => ({ occurredAt: new Date(now.getTime() - 20 * MINUTE_MS - i), units: (i % 5) + 1 })),
    );
    const { provider, calls } = recordingProvider();

    expect(await reportUsageToProvider(prisma, provider, { now })).toEqual({ reported: 2_500, batches: 3, failed: [] });
    expect(calls.map((c) => c.length)).toEqual([1_000, 1_000, 500]);
    expect(calls.flat().map((e) => e.eventId)).toEqual([...ids].reverse());
    expect(calls[0]![0]).toEqual({
      eventId: ids[2_499],
      customerId,
      eventName: "usage.unit",
      timestamp: new Date(now.getTime() - 20 * MINUTE_MS - 2_499),
      metadata: { units: 5 },
    });
    expect(await unreported(tenantId)).toBe(0);
    expect(await prisma.usageEvent.count({ where: { tenantId, reportedAt: now } })).toBe(2_500);
    const stored = await meterOf(customerId!);
    expect(stored).toHaveLength(2_500);
    expect(stored.find((o) => o.id === usageEventObjectId(ids[0]!))!.data).toMatchObject({ event_id: ids[0], event_name: "usage.unit", metadata: { units: 1 } });

    expect(await reportUsageToProvider(prisma, provider, { now: new Date() })).toEqual({ reported: 0, batches: 0, failed: [] });
    expect(calls).toHaveLength(3);
  });

  it("sends only api_calls of metered plans with a customer at this provider, from the current and previous period", async () => {
    const now = new Date();
    const recent = new Date(now.getTime() - MINUTE_MS);
    const pro = await reportingTenant("pro");
    const business = await reportingTenant("business");
    const starter = await reportingTenant("starter");
    const noCustomer = await reportingTenant("pro", "none");
    const dodoOnly = await reportingTenant("pro", "none");
    await prisma.billingCustomer.create({ data: { tenantId: dodoOnly.tenantId, provider: "dodo", providerCustomerId: `cus_dodo_${dodoOnly.tenantId}` } });

    const [proCall, proLate] = await addUsageEvents(pro.tenantId, [
      { occurredAt: recent, units: 3 },
      { occurredAt: new Date(now.getTime() - 2 * 60 * MINUTE_MS), units: 4 }, // outside the provider's window
      { occurredAt: recent, units: 100, metric: "ai_credits" },
      { occurredAt: new Date(previousUsagePeriod(now).start.getTime() - 1), units: 1 }, // a closed period
    ]);
    const [businessCall] = await addUsageEvents(business.tenantId, [{ occurredAt: recent }]);
    for (const other of [starter, noCustomer, dodoOnly]) await addUsageEvents(other.tenantId, [{ occurredAt: recent }]);

    const { provider, calls } = recordingProvider();
    await reportUsageToProvider(prisma, provider, { now });
    const sent = calls.flat();
    expect(sent.map((e) => e.eventId).sort()).toEqual([proCall, proLate, businessCall].sort());
    expect(sent.find((e) => e.eventId === proCall)).toMatchObject({ customerId: pro.customerId, timestamp: recent });
    expect(sent.find((e) => e.eventId === proLate)).toMatchObject({ timestamp: now, metadata: { units: 4 } });
    expect(await unreported(pro.tenantId)).toBe(2);
    for (const other of [starter, noCustomer, dodoOnly]) expect(await unreported(other.tenantId)).toBe(1);

    // An upgrade to a metered plan: its unreported events go with the next run.
    await prisma.tenant.update({ where: { id: starter.tenantId }, data: { plan: "pro" } });
    expect(await reportUsageToProvider(prisma, provider, { now: new Date() })).toMatchObject({ reported: 1, batches: 1 });
    expect(await meterOf(starter.customerId!)).toHaveLength(1);
  });

  it("leaves events unreported when the provider fails, and the next run sends them", async () => {
    const now = new Date();
    const { tenantId, customerId } = await reportingTenant("pro");
    await addUsageEvents(tenantId, Array.from({ length: 1_500 }, (_, i) => ({ occurredAt: new Date(now.getTime() - 10 * MINUTE_MS + i) })));

    // Down on the first call: nothing marked, the error (retryable: the job retries) comes out.
    const down = recordingProvider((call) => (call === 1 ? retryable() : null));
    await expect(reportUsageToProvider(prisma, down.provider, { now })).rejects.toMatchObject({ name: "PaymentProviderError", retryable: true });
    expect(await unreported(tenantId)).toBe(1_500);
    expect(await meterOf(customerId!)).toHaveLength(0);

    // Down on the second batch: the first stays reported, the second does not.
    const flaky = recordingProvider((call) => (call === 2 ? retryable() : null));
    await expect(reportUsageToProvider(prisma, flaky.provider, { now })).rejects.toThrow("Dodo is down");
    expect(await unreported(tenantId)).toBe(500);

    // Back up: the rest goes out.
    expect(await reportUsageToProvider(prisma, down.provider, { now: new Date() })).toEqual({ reported: 500, batches: 1, failed: [] });
    expect(await unreported(tenantId)).toBe(0);
    expect(await meterOf(customerId!)).toHaveLength(1_500);
  });

  it("reports the other tenants when the provider refuses one tenant's events", async () => {
    const now = new Date();
    const refused = await reportingTenant("pro", "unknown-to-simulator");
    const fine = await reportingTenant("pro");
    await addUsageEvents(refused.tenantId, [{ occurredAt: now }]);
    await addUsageEvents(fine.tenantId, [{ occurredAt: now }]);

    const result = await reportUsageToProvider(prisma, simulator, { now });
    expect(result.failed).toEqual([{ tenantId: refused.tenantId, error: expect.stringContaining(refused.customerId!) }]);
    expect(await unreported(refused.tenantId)).toBe(1);
    expect(await unreported(fine.tenantId)).toBe(0);
    await prisma.tenant.delete({ where: { id: refused.tenantId } });
  });

  it("sends each event once with two runners at the same time", async () => {
    const now = new Date();
    const { tenantId, customerId } = await reportingTenant("business");
    await addUsageEvents(tenantId, Array.from({ length: 1_200 }, (_, i) => ({ occurredAt: new Date(now.getTime() - 5 * MINUTE_MS + i) })));
    await Promise.all([reportUsageToProvider(prisma, simulator, { now }), reportUsageToProvider(prisma, simulator, { now })]);
    expect(await unreported(tenantId)).toBe(0);
    expect(await meterOf(customerId!)).toHaveLength(1_200);
  });
});

describe("usage.report", () => {
  it("runs every 5 minutes through the app's provider: retried when the provider is down, failed without retries on a refusal", async () => {
    expect(reportUsageJob.cron).toBe("*/5 * * * *");
    const { tenantId, customerId } = await reportingTenant("pro");
    await addUsageEvents(tenantId, [{ occurredAt: new Date(Date.now() - MINUTE_MS), units: 7 }]);
    const down = vi.spyOn(paymentProvider, "reportUsage").mockRejectedValueOnce(retryable());
    expect(await runCronJob(reportUsageJob as JobDefinition<unknown>)).toMatchObject([{ status: "retrying", attempt: 1 }]);
    expect(await unreported(tenantId)).toBe(1);
    const retried = await drainJobs(prisma, { now: new Date(Date.now() + 10 * MINUTE_MS) });
    expect(retried).toMatchObject([{ name: reportUsageJob.name, status: "succeeded", attempt: 2 }]);
    expect(await meterOf(customerId!)).toHaveLength(1);
    down.mockRestore();

    const refused = await reportingTenant("pro", "unknown-to-simulator");
    await addUsageEvents(refused.tenantId, [{ occurredAt: new Date() }]);
    await prisma.job.deleteMany({ where: { name: reportUsageJob.name } }); // a new tick, not the same one again
    const [run] = await runCronJob(reportUsageJob as JobDefinition<unknown>);
    expect(run).toMatchObject({ status: "failed", attempt: 1, error: expect.stringContaining(refused.tenantId) });
    await prisma.tenant.delete({ where: { id: refused.tenantId } });
  });
});
