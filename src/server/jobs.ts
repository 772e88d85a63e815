import { graceEndJob, periodEndJob } from "@/server/domain/billing/apply-billing-event";
import { graceReminderJob } from "@/server/domain/billing/dunning";
import { processWebhookJob, waitingWebhooksSweepJob } from "@/server/domain/billing/process-webhook";
import { trialSweepJob } from "@/server/domain/billing/trial";
import type { JobDefinition } from "@/server/domain/jobs";
import { deliverNotification } from "@/server/domain/notifications/deliver";
import { purgeSentOutboxDataJob } from "@/server/domain/notifications/purge";
import { deliverSimulatorEventJob } from "@/server/providers/payments/simulator/deliver";
import { purgeRateLimitBucketsJob } from "@/server/domain/rate-limit/rate-limit";
import { aggregateUsageJob } from "@/server/domain/usage/aggregate";
import { expireCreditsJob } from "@/server/domain/credits/expire-credits";
import { closeUsagePeriodJob } from "@/server/domain/usage/overage";
import { reportUsageJob } from "@/server/domain/usage/report-usage";

// Every job of the app, as data. The local runner (`npm run dev`, `npm run worker`) and the Trigger.dev
// tasks (trigger/tasks.ts) run exactly these: a job defined with defineJob but not listed here would be
// queued and then fail as unknown, so tests/integration/jobs-list.test.ts finds every defineJob in src/
// and fails until it is listed. Import this module only where jobs run (it loads every job's module).
export const jobs = [
  deliverNotification,
  purgeSentOutboxDataJob,
  processWebhookJob,
  waitingWebhooksSweepJob,
  graceEndJob,
  periodEndJob,
  graceReminderJob,
  trialSweepJob,
  deliverSimulatorEventJob,
  aggregateUsageJob,
  closeUsagePeriodJob,
  reportUsageJob,
  expireCreditsJob,
  purgeRateLimitBucketsJob,
] as const satisfies readonly JobDefinition[];
