// Every job module of the app, imported for its defineJob side effect. The Trigger.dev tasks
// (trigger/tasks.ts), `npm run worker` and the dev launcher's runner load this file, so a job that is
// not listed here is unknown to them ("Unknown job" failures). Add one line per job module:
import "@/server/domain/notifications/deliver";
import "@/server/domain/billing/process-webhook";
import "@/server/domain/billing/apply-billing-event";
import "@/server/domain/billing/dunning";
import "@/server/domain/billing/trial";
import "@/server/providers/payments/simulator/deliver";
import "@/server/domain/rate-limit/rate-limit";
import "@/server/domain/usage/aggregate";
import "@/server/domain/usage/overage";
import "@/server/domain/usage/report-usage";
import "@/server/domain/usage/credit-expiry";
import "@/server/domain/notifications/purge";
