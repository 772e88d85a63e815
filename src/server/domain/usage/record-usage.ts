import { z } from "zod";
import type { Db, DbTx } from "@/server/db/client";
import type { Tx } from "@/server/db/transaction";
import { availableCredits, consumeCredits } from "@/server/domain/credits/ledger";
import type { LimitDetails } from "@/server/domain/errors";
import { USAGE_MAX_AGE_MS, USAGE_MAX_FUTURE_MS } from "@/server/providers/payments/types";
import { fireUsageAlerts } from "./alerts";
import { decideEntitlement, invalidateEntitlements, limitDetails, measureUsage } from "./entitlements";
import { USAGE_METRIC_NAMES, USAGE_METRICS, usagePeriod, type UsageMetric, type UsagePeriod } from "./metrics";
import { parseUsageInput } from "./usage-errors";
import { withUsageLocks } from "./usage-locks";

// Recording metered usage: every metered action reports usage_events rows through here, one call per
// action (a batch for API clients). One transaction per call:
// 1. lock (tenant, metric) for each metric in the call that a limit can refuse, and the tenant's credits
//    when a metric's excess is paid with credits (usage-locks.ts): calls that could push the same metric
//    past its limit run one after the other, so a limit is never overrun by racing calls. A soft limit
//    refuses nothing, so its calls run side by side (a threshold alert they race past fires with the next
//    event; its unique row keeps it single);
// 2. an idempotency key already stored is a duplicate (the original event stays the only one counted);
// 3. each new event is decided by the entitlement rules (entitlements.ts) against the usage measured
//    inside the transaction plus the events before it in the call: counted (allow / warn) or refused;
// 4. counted events are inserted (ON CONFLICT (tenant_id, idempotency_key) DO NOTHING), credits are
//    consumed for the part beyond the allowance, and the thresholds reached fire alerts (alerts.ts).

export const USAGE_BATCH_MAX_EVENTS = 1_000;
export const USAGE_EVENT_MAX_UNITS = 1_000_000;

export type UsageActorType = "member" | "guest" | "api";
/** Who acted: a member or guest (their user id), or an API client (no user). */
export interface UsageActor {
  userId: string | null;
  type: UsageActorType;
}

export const usageMetricSchema = z.enum(USAGE_METRIC_NAMES as [UsageMetric, ...UsageMetric[]]);

export const usageEventSchema = z.object({
  metric: usageMetricSchema,
  units: z.number().int("Units are whole numbers").min(1, "Units are at least 1").max(USAGE_EVENT_MAX_UNITS, `Units are at most ${USAGE_EVENT_MAX_UNITS.toLocaleString("en-US")} per event`),
  /** Unique per tenant: a retry with the same key never counts twice. Visible ASCII, no spaces. */
  idempotencyKey: z.string().regex(/^[\x21-\x7E]{1,200}$/, "An idempotency key is 1 to 200 visible ASCII characters without spaces"),
  projectId: z.uuid("Not a project id").optional(),
  /** When it happened; now when omitted. At most an hour ago (the late-event window) and not in the future. */
  occurredAt: z.date().optional(),
});
export type UsageEventInput = z.input<typeof usageEventSchema>;

const batchOf = <E extends z.ZodType>(event: E) =>
  z
    .array(event)
    .min(1, "Send at least one event")
    .max(USAGE_BATCH_MAX_EVENTS, `Send at most ${USAGE_BATCH_MAX_EVENTS.toLocaleString("en-US")} events per call`);

export const usageBatchSchema = batchOf(usageEventSchema);

/** The metrics API clients report: the monthly ones (a gauge counts things the app creates itself). */
export const REPORTED_METRICS = USAGE_METRIC_NAMES.filter((m) => USAGE_METRICS[m].kind === "monthly");
/** usage.ingest / usage.ingestBatch input: an event of a reported metric. */
export const reportedUsageEventSchema = usageEventSchema.extend({ metric: usageMetricSchema.extract(REPORTED_METRICS) });
export const reportedUsageBatchSchema = batchOf(reportedUsageEventSchema);

/** API clients are not people: their usage is attributed to "API". */
export const API_ACTOR: UsageActor = { userId: null, type: "api" };

/** Why an event was not counted. */
export type UsageRefusalReason = "LIMIT_REACHED" | "PROJECT_NOT_FOUND" | "IDEMPOTENCY_KEY_REUSED" | "OCCURRED_AT_OUT_OF_RANGE";

/** A counted event that went past a limit: soft overrun, or purchased credits paid for the excess. */
export interface UsageWarning {
  message: string;
  limit: LimitDetails;
}

export type UsageEventOutcome =
  | { idempotencyKey: string; status: "counted"; eventId: string; creditsUsed: number; warning: UsageWarning | null }
  | { idempotencyKey: string; status: "duplicate"; eventId: string }
  | { idempotencyKey: string; status: "refused"; reason: UsageRefusalReason; message: string; limit: LimitDetails | null };

export interface RecordUsageBatchInput {
  tenantId: string;
  actor: UsageActor;
  events: readonly UsageEventInput[];
  now: Date;
}

/**
 * Records up to USAGE_BATCH_MAX_EVENTS events of one actor; one outcome per event, in order. Pass a
 * client to run in a transaction of its own, or the caller's transaction to count together with its own
 * writes (an action that must not happen when its usage is refused throws and rolls both back); open
 * that one with withUsageLocks (usage-locks.ts), so the call queues before it holds a connection.
 *
 * A gauge's event (projects) is recorded in the transaction that created the thing, after creating it:
 * the live count then already includes it, so the count before the event is the live count - its units.
 */
export async function recordUsageBatch(db: Db | Tx, input: RecordUsageBatchInput): Promise<UsageEventOutcome[]> {
  const events = parseUsageInput(usageBatchSchema, input.events);
  const metrics = [...new Set(events.map((e) => e.metric))];
  const outcomes = await withUsageLocks(db, { tenantId: input.tenantId, metrics }, (tx, plan) => countEvents(tx, { ...input, plan, events }));
  invalidateEntitlements(input.tenantId, metrics);
  return outcomes;
}

/** One event: recordUsageBatch with a batch of one. */
export async function recordUsage(
  db: Db | Tx,
  input: UsageEventInput & { tenantId: string; actor: UsageActor; now: Date },
): Promise<UsageEventOutcome> {
  const { tenantId, actor, now, ...event } = input;
  const [outcome] = await recordUsageBatch(db, { tenantId, actor, now, events: [event] });
  return outcome!;
}

type ParsedEvent = z.output<typeof usageEventSchema>;

/** Usage of one metric in one period as the call goes: measured in the transaction, then counted on. */
interface Tally {
  metric: UsageMetric;
  period: UsagePeriod;
  used: number;
  counted: boolean;
}

/** Steps 2 to 4, under the locks of step 1. */
async function countEvents(tx: Tx, input: Omit<RecordUsageBatchInput, "events"> & { plan: string; events: ParsedEvent[] }): Promise<UsageEventOutcome[]> {
  const { tenantId, actor, now, plan, events } = input;
  const paysWithCredits = events.some((e) => USAGE_METRICS[e.metric].creditsCoverOverage);
  const stored = await storedEvents(tx, tenantId, events.map((e) => e.idempotencyKey));
  const projectIds = [...new Set(events.flatMap((e) => (e.projectId ? [e.projectId] : [])))];
  const liveProjects = new Set(
    projectIds.length === 0
      ? []
      : (await tx.project.findMany({ where: { tenantId, id: { in: projectIds }, deletedAt: null }, select: { id: true } })).map((p) => p.id),
  );

  // Purchased credits are one pool for the whole call (only metrics whose excess credits cover use it).
  let creditsLeft = paysWithCredits ? await availableCredits(tx, tenantId, now) : 0;
  const tallies = new Map<string, Tally>();
  const tallyFor = async (metric: UsageMetric, occurredAt: Date): Promise<Tally> => {
    const period = usagePeriod(occurredAt);
    const key = `${metric}|${period.start.toISOString()}`;
    let tally = tallies.get(key);
    if (!tally) {
      tally = { metric, period, used: await measureUsage(tx, { tenantId, metric, now: occurredAt }), counted: false };
      tallies.set(key, tally);
    }
    return tally;
  };

  // First pass: decide every event. New events to insert stay pending until their ids are known.
  type Decision =
    | { kind: "final"; outcome: UsageEventOutcome }
    | { kind: "new"; event: ParsedEvent; occurredAt: Date; creditsUsed: number; warning: UsageWarning | null }
    | { kind: "repeat"; event: ParsedEvent };
  const decisions: Decision[] = [];
  const newKeys = new Set<string>();
  for (const event of events) {
    const { idempotencyKey } = event;
    const earlier = stored.get(idempotencyKey);
    if (earlier) {
      decisions.push({ kind: "final", outcome: retryOutcome(earlier, event) });
      continue;
    }
    if (newKeys.has(idempotencyKey)) {
      decisions.push({ kind: "repeat", event }); // the same key earlier in this call
      continue;
    }
    if (event.projectId && !liveProjects.has(event.projectId)) {
      decisions.push({ kind: "final", outcome: refusal(idempotencyKey, "PROJECT_NOT_FOUND", "Project not found") });
      continue;
    }
    const occurredAt = event.occurredAt ?? now;
    if (occurredAt.getTime() < now.getTime() - USAGE_MAX_AGE_MS || occurredAt.getTime() > now.getTime() + USAGE_MAX_FUTURE_MS) {
      const message = "Usage is reported within an hour of when it happened, and never ahead of time.";
      decisions.push({ kind: "final", outcome: refusal(idempotencyKey, "OCCURRED_AT_OUT_OF_RANGE", message) });
      continue;
    }

    const tally = await tallyFor(event.metric, occurredAt);
    // A gauge's thing already exists (see recordUsageBatch): its count before the event excludes it.
    const gauge = USAGE_METRICS[event.metric].kind === "gauge";
    const entitlement = decideEntitlement({
      plan,
      metric: event.metric,
      units: event.units,
      snapshot: { used: gauge ? tally.used - event.units : tally.used, creditsAvailable: creditsLeft },
      period: tally.period,
    });
    const details = limitDetails(entitlement, event.units);
    if (entitlement.decision === "block") {
      decisions.push({ kind: "final", outcome: { idempotencyKey, status: "refused", reason: "LIMIT_REACHED", message: entitlement.message!, limit: details ?? null } });
      continue;
    }
    const creditsUsed = entitlement.decision === "warn" ? entitlement.creditsNeeded : 0;
    creditsLeft -= creditsUsed;
    if (!gauge) tally.used += event.units;
    tally.counted = true;
    newKeys.add(idempotencyKey);
    const warning = entitlement.decision === "warn" && details ? { message: entitlement.message!, limit: details } : null;
    decisions.push({ kind: "new", event, occurredAt, creditsUsed, warning });
  }

  // Then insert. A key missing from what was inserted was stored by a concurrent call in the meantime: one
  // holding another metric's lock (ours do not serialize it), so it is a retry of that event or a reused key.
  const pending = decisions.flatMap((d) => (d.kind === "new" ? [d] : []));
  const inserted = await insertEvents(tx, { tenantId, actor, rows: pending });
  const lostKeys = pending.filter((d) => !inserted.has(d.event.idempotencyKey)).map((d) => d.event.idempotencyKey);
  const storedMeanwhile = lostKeys.length === 0 ? new Map<string, StoredEvent>() : await storedEvents(tx, tenantId, lostKeys);
  const outcomes = decisions.map((d): UsageEventOutcome => {
    if (d.kind === "final") return d.outcome;
    const { idempotencyKey } = d.event;
    const eventId = inserted.get(idempotencyKey);
    if (eventId === undefined) return retryOutcome(storedMeanwhile.get(idempotencyKey)!, d.event);
    return d.kind === "new"
      ? { idempotencyKey, status: "counted", eventId, creditsUsed: d.creditsUsed, warning: d.warning }
      : { idempotencyKey, status: "duplicate", eventId };
  });

  const paying = pending.filter((d) => d.creditsUsed > 0 && inserted.has(d.event.idempotencyKey));
  const credits = paying.reduce((sum, d) => sum + d.creditsUsed, 0);
  if (credits > 0) {
    // One consumption per call, named after its first event that drew credits: a retried call finds
    // that event stored (a duplicate) and consumes nothing.
    await consumeCredits(tx, { tenantId, amount: credits, reference: `usage:${inserted.get(paying[0]!.event.idempotencyKey)}`, now });
  }
  for (const tally of tallies.values()) {
    if (!tally.counted) continue;
    await fireUsageAlerts(tx, { tenantId, plan, metric: tally.metric, used: tally.used, period: tally.period });
  }
  return outcomes;
}

type StoredEvent = { id: string; idempotencyKey: string; metric: string; units: number; projectId: string | null };

async function storedEvents(tx: DbTx, tenantId: string, keys: string[]): Promise<Map<string, StoredEvent>> {
  const rows = await tx.usageEvent.findMany({
    where: { tenantId, idempotencyKey: { in: keys } },
    select: { id: true, idempotencyKey: true, metric: true, units: true, projectId: true },
  });
  return new Map(rows.map((e) => [e.idempotencyKey, e]));
}

/** An event whose key is stored already: a retry of that event (duplicate), or the key reused for something else. */
function retryOutcome(stored: StoredEvent, event: ParsedEvent): UsageEventOutcome {
  const { idempotencyKey } = event;
  if (stored.metric === event.metric && stored.units === event.units && stored.projectId === (event.projectId ?? null)) {
    return { idempotencyKey, status: "duplicate", eventId: stored.id };
  }
  const message = `The idempotency key "${idempotencyKey}" was already used for a different event; use a new key for new usage.`;
  return refusal(idempotencyKey, "IDEMPOTENCY_KEY_REUSED", message);
}

function refusal(idempotencyKey: string, reason: UsageRefusalReason, message: string): UsageEventOutcome {
  return { idempotencyKey, status: "refused", reason, message, limit: null };
}

/** Inserts the counted events; returns idempotency key -> event id for the rows this call inserted. */
async function insertEvents(
  tx: DbTx,
  input: { tenantId: string; actor: UsageActor; rows: { event: ParsedEvent; occurredAt: Date }[] },
): Promise<Map<string, string>> {
  if (input.rows.length === 0) return new Map();
  const created = await tx.usageEvent.createManyAndReturn({
    data: input.rows.map(({ event, occurredAt }) => ({
      tenantId: input.tenantId,
      idempotencyKey: event.idempotencyKey,
      metric: event.metric,
      units: event.units,
      projectId: event.projectId ?? null,
      actorUserId: input.actor.userId,
      actorType: input.actor.type,
      occurredAt,
    })),
    // A concurrent call holding another metric's lock may have stored the same key in the meantime.
    skipDuplicates: true,
    select: { id: true, idempotencyKey: true },
  });
  return new Map(created.map((e) => [e.idempotencyKey, e.id]));
}
