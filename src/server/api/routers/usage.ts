import { z } from "zod";
import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { checkEntitlement } from "@/server/domain/usage/entitlements";
import {
  API_ACTOR,
  recordUsage,
  recordUsageBatch,
  reportedUsageBatchSchema,
  reportedUsageEventSchema,
  USAGE_EVENT_MAX_UNITS,
  usageMetricSchema,
} from "@/server/domain/usage/record-usage";
import { assertNotRefused } from "@/server/domain/usage/usage-errors";
import { getUsageOverview } from "@/server/domain/usage/usage-overview";
import { usageOverviewSchema } from "@/server/domain/usage/usage-overview-schema";

// Reporting usage (API clients: counted against the plan, attributed to "API") shares the "usage" rate
// limit; a batch of up to 1,000 events counts as one request.
const reportUsage = tenantProcedure("usage:record", { rateLimit: "usage" });

export const usageRouter = createTRPCRouter({
  /** One event -> { status: "counted", eventId, creditsUsed, warning } or { status: "duplicate", eventId }; a refusal is an error (LIMIT_REACHED with data.limit). */
  ingest: reportUsage
    .input(reportedUsageEventSchema)
    .mutation(async ({ ctx, input }) =>
      assertNotRefused(await recordUsage(ctx.db, { ...input, tenantId: ctx.tenant.id, actor: API_ACTOR, now: new Date() })),
    ),

  /** Up to 1,000 events in one transaction -> one outcome per event, in order (counted / duplicate / refused with reason). */
  ingestBatch: reportUsage.input(z.object({ events: reportedUsageBatchSchema })).mutation(async ({ ctx, input }) => {
    const results = await recordUsageBatch(ctx.db, { tenantId: ctx.tenant.id, actor: API_ACTOR, events: input.events, now: new Date() });
    const count = (status: (typeof results)[number]["status"]) => results.filter((r) => r.status === status).length;
    return { counted: count("counted"), duplicates: count("duplicate"), refused: count("refused"), results };
  }),

  /** Would `units` more of `metric` be allowed now? allow / warn / block with the numbers and the message (cached a few seconds). */
  entitlement: tenantProcedure("usage:read")
    .input(z.object({ metric: usageMetricSchema, units: z.number().int().min(1).max(USAGE_EVENT_MAX_UNITS) }))
    .query(({ ctx, input }) => checkEntitlement(ctx.db, { tenant: ctx.tenant, metric: input.metric, units: input.units })),

  /** The usage page: current period per metric, breakdowns per project and actor, daily totals, credits, alerts. */
  overview: tenantProcedure("usage:read")
    .output(usageOverviewSchema)
    .query(({ ctx }) => getUsageOverview(ctx.db, { tenant: ctx.tenant, now: new Date() })),
});
