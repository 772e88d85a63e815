/**
 * Fixtures for the usage jobs (aggregation, overage, reporting, credit expiry): a bare tenant on a plan,
 * usage events written straight into usage_events (the ingest path has its own tests), and one run of a
 * cron job through the local runner.
 */
import { randomUUID } from "node:crypto";
import { prisma } from "@/server/db/client";
import { previousFireTime, scheduleCronJobs, type JobDefinition } from "@/server/domain/jobs";
import type { PlanId } from "@/server/domain/plans/plans";
import type { UsageMetric } from "@/server/domain/usage/metrics";
import { drainJobs } from "./jobs";

/** A tenant (no members) on `plan`; returns its id. */
export async function planTenant(plan: PlanId): Promise<string> {
  const slug = `u-${randomUUID().slice(0, 12)}`;
  const tenant = await prisma.tenant.create({ data: { name: `Usage ${slug}`, slug, plan, billingState: "active" } });
  return tenant.id;
}

export interface UsageEventFixture {
  occurredAt: Date;
  units?: number;
  metric?: UsageMetric;
}

/** Writes usage events (api_calls, 1 unit unless said otherwise); returns their ids in the given order. */
export async function addUsageEvents(tenantId: string, events: UsageEventFixture[]): Promise<string[]> {
  const keys = events.map(() => randomUUID());
  const rows = await prisma.usageEvent.createManyAndReturn({
    data: events.map((e, i) => ({
      tenantId,
      idempotencyKey: keys[i]!,
      metric: e.metric ?? "api_calls",
      units: e.units ?? 1,
      actorType: "api",
      occurredAt: e.occurredAt,
    })),
    select: { id: true, idempotencyKey: true },
  });
  const idByKey = new Map(rows.map((r) => [r.idempotencyKey, r.id]));
  return keys.map((k) => idByKey.get(k)!);
}

/**
 * Queues `job` as the cron tick at its latest fire time would (also for a daily job whose time is hours
 * ago) and drains the queue on the real clock; returns the runs of that job.
 */
export async function runCronJob(job: JobDefinition<unknown>) {
  const firedAt = previousFireTime(job.cron!, new Date())!;
  await scheduleCronJobs({ db: prisma, now: firedAt, jobs: [job] });
  return (await drainJobs(prisma)).filter((r) => r.name === job.name);
}
