import { z } from "zod";
import { CreditLedgerKind } from "@/generated/prisma/enums";
import { PLAN_ORDER } from "@/server/domain/plans/plans";
import type { SameShape } from "@/server/domain/validation";
import { USAGE_METRIC_NAMES, type UsageMetric } from "./metrics";
import { usageMetricSchema } from "./record-usage";
import type { UsageOverview } from "./usage-overview";

/** usage.overview's answer: what the usage page renders (UsageOverview). */
export const usageOverviewSchema = z.object({
  plan: z.object({ id: z.enum(PLAN_ORDER), name: z.string() }),
  period: z.object({ start: z.date(), end: z.date() }),
  metrics: z.array(
    z.object({
      metric: usageMetricSchema,
      kind: z.enum(["gauge", "monthly"]),
      used: z.number(),
      limit: z.number().nullable(),
      percent: z.number().nullable(),
      strategy: z.enum(["soft", "hard", "upgrade"]).nullable(),
    }),
  ),
  byProject: z.array(z.object({ projectId: z.string().nullable(), projectName: z.string().nullable(), metric: usageMetricSchema, units: z.number() })),
  byActor: z.array(
    z.object({ actorType: z.enum(["member", "guest", "api"]), userId: z.string().nullable(), name: z.string().nullable(), metric: usageMetricSchema, units: z.number() }),
  ),
  daily: z.array(
    z.object({
      date: z.string(),
      units: z.object(Object.fromEntries(USAGE_METRIC_NAMES.map((m) => [m, z.number()])) as Record<UsageMetric, z.ZodNumber>),
    }),
  ),
  credits: z.object({
    balance: z.number(),
    available: z.number(),
    lots: z.array(
      z.object({
        id: z.string(),
        kind: z.enum([CreditLedgerKind.grant, CreditLedgerKind.purchase]),
        amount: z.number(),
        remaining: z.number(),
        expiresAt: z.date().nullable(),
        createdAt: z.date(),
      }),
    ),
  }),
  alerts: z.array(z.object({ id: z.string(), metric: usageMetricSchema, threshold: z.number(), usedUnits: z.number(), limitUnits: z.number(), createdAt: z.date() })),
});

true satisfies SameShape<z.output<typeof usageOverviewSchema>, UsageOverview>;
