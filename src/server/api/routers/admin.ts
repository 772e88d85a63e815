import { createTRPCRouter, platformProcedure } from "@/server/api/trpc";
import {
  getWebhookEvent,
  listWebhookEvents,
  listWebhookEventsInputSchema,
  listWebhookEventsOutputSchema,
  replayWebhookEvent,
  replayWebhookEventOutputSchema,
  webhookEventDetailOutputSchema,
  webhookEventIdInputSchema,
} from "@/server/domain/billing/webhook-events-admin";
import {
  cancelJob,
  getJob,
  jobActionOutputSchema,
  jobDetailOutputSchema,
  jobIdInputSchema,
  jobStatsOutputSchema,
  listJobs,
  listJobsInputSchema,
  listJobsOutputSchema,
  jobStats,
  retryJob,
} from "@/server/domain/jobs/admin";

// The admin panel's façade (the plan's "UI/Admin façade"): operational tools for platform staff that
// act across tenants. `platform.*` stays the read-only console overview; what an operator changes
// (jobs now; tenants and users later) lives here, one sub-router per area.
const jobsRouter = createTRPCRouter({
  list: platformProcedure
    .input(listJobsInputSchema)
    .output(listJobsOutputSchema)
    .query(({ ctx, input }) => listJobs(ctx.db, input)),

  get: platformProcedure
    .input(jobIdInputSchema)
    .output(jobDetailOutputSchema)
    .query(({ ctx, input }) => getJob(ctx.db, input)),

  stats: platformProcedure.output(jobStatsOutputSchema).query(({ ctx }) => jobStats(ctx.db)),

  retry: platformProcedure
    .input(jobIdInputSchema)
    .output(jobActionOutputSchema)
    .mutation(({ ctx, input }) => retryJob(ctx.db, { id: input.id, actorUserId: ctx.user.id })),

  cancel: platformProcedure
    .input(jobIdInputSchema)
    .output(jobActionOutputSchema)
    .mutation(({ ctx, input }) => cancelJob(ctx.db, { id: input.id, actorUserId: ctx.user.id })),
});

// The billing webhook inbox (issue 5): failed events are visible and can be replayed.
const billingEventsRouter = createTRPCRouter({
  list: platformProcedure
    .input(listWebhookEventsInputSchema)
    .output(listWebhookEventsOutputSchema)
    .query(({ ctx, input }) => listWebhookEvents(ctx.db, input)),

  get: platformProcedure
    .input(webhookEventIdInputSchema)
    .output(webhookEventDetailOutputSchema)
    .query(({ ctx, input }) => getWebhookEvent(ctx.db, input.id)),

  replay: platformProcedure
    .input(webhookEventIdInputSchema)
    .output(replayWebhookEventOutputSchema)
    .mutation(({ ctx, input }) => replayWebhookEvent(ctx.db, { id: input.id, actorUserId: ctx.user.id })),
});

export const adminRouter = createTRPCRouter({
  jobs: jobsRouter,
  billingEvents: billingEventsRouter,
});
