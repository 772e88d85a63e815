// The billing webhook inbox for platform staff (issue 5): list and inspect billing_payment_events rows and
// replay one that failed past its retries (or was ignored). A replay puts the row back to `received` and
// enqueues billing.process-webhook under a NEW idempotency key in the same transaction, audited; processing
// is idempotent, so replaying an event whose effect already landed changes nothing.
import { z } from "zod";
import type { PaymentEventStatus, Prisma } from "@/generated/prisma/client";
import type { DbTx } from "@/server/db/client";
import { transactional } from "@/server/db/transaction";
import { recordAudit } from "@/server/domain/audit/record-audit";
import { AppError, notFound } from "@/server/domain/errors";
import { enqueue } from "@/server/domain/jobs";
import { entityIdSchema } from "@/server/domain/validation";
import { processWebhookJob } from "./process-webhook";

export const WEBHOOK_EVENT_STATUSES = ["received", "waiting", "processed", "failed", "ignored"] as const satisfies readonly PaymentEventStatus[];
export const WEBHOOK_EVENTS_PAGE_MAX = 100;
export const WEBHOOK_EVENTS_PAGE_DEFAULT = 50;
/** The list shows the start of an error; getWebhookEvent returns all of it. */
export const WEBHOOK_ERROR_PREVIEW = 300;

/** Statuses an admin may replay (a waiting event: re-checked now instead of at its next wake-up). */
export const REPLAYABLE: readonly PaymentEventStatus[] = ["failed", "ignored", "waiting"];
export const canReplay = (status: PaymentEventStatus) => REPLAYABLE.includes(status);

export const REPLAY_AUDIT_ACTION = "billing.webhook_replayed";
const TARGET_TYPE = "billing_payment_event";

// ---------- schemas (admin.billingEvents.* in src/server/api/routers/admin.ts) ----------

const statusSchema = z.enum(WEBHOOK_EVENT_STATUSES);

export const listWebhookEventsInputSchema = z.object({
  status: statusSchema.optional(),
  /** Exact event type, e.g. "payment.succeeded". */
  type: z
    .string()
    .trim()
    .max(100)
    .regex(/^[A-Za-z0-9._-]*$/, "Not a valid event type")
    .transform((s) => (s === "" ? undefined : s))
    .optional(),
  cursor: entityIdSchema.nullish(),
  limit: z.number().int().min(1).max(WEBHOOK_EVENTS_PAGE_MAX).optional(),
});
export type ListWebhookEventsInput = z.input<typeof listWebhookEventsInputSchema>;

export const webhookEventIdInputSchema = z.object({ id: entityIdSchema });

const summarySchema = z.object({
  id: z.string(),
  provider: z.string(),
  providerEventId: z.string(),
  type: z.string(),
  status: statusSchema,
  attempts: z.number().int(),
  receivedAt: z.date(),
  processedAt: z.date().nullable(),
  lastError: z.string().nullable(),
  lastErrorTruncated: z.boolean(),
  note: z.string().nullable(),
  tenantId: z.string().nullable(),
});

export const listWebhookEventsOutputSchema = z.object({ items: z.array(summarySchema), nextCursor: z.string().nullable() });
export const webhookEventDetailOutputSchema = summarySchema.extend({ payload: z.unknown(), replays: z.number().int() });
export const replayWebhookEventOutputSchema = z.object({ id: z.string(), status: statusSchema, jobId: z.string(), idempotencyKey: z.string() });

// ---------- reads ----------

const summarySelect = {
  id: true,
  provider: true,
  providerEventId: true,
  type: true,
  status: true,
  attempts: true,
  receivedAt: true,
  processedAt: true,
  lastError: true,
  note: true,
  tenantId: true,
} satisfies Prisma.BillingPaymentEventSelect;

function preview<T extends { lastError: string | null }>(row: T) {
  const long = (row.lastError?.length ?? 0) > WEBHOOK_ERROR_PREVIEW;
  return { ...row, lastError: long ? `${row.lastError!.slice(0, WEBHOOK_ERROR_PREVIEW)}…` : row.lastError, lastErrorTruncated: long };
}

/** Inbox rows newest first (received_at, id), filtered by status and type; keyset-paginated; no payloads. */
export async function listWebhookEvents(db: DbTx, input: ListWebhookEventsInput = {}) {
  const { status, type, cursor, limit: rawLimit } = listWebhookEventsInputSchema.parse(input);
  const limit = Math.min(Math.max(1, rawLimit ?? WEBHOOK_EVENTS_PAGE_DEFAULT), WEBHOOK_EVENTS_PAGE_MAX);
  const after = cursor ? await db.billingPaymentEvent.findUnique({ where: { id: cursor }, select: { id: true, receivedAt: true } }) : null;
  // An unknown cursor gives an empty page, never the first page again.
  if (cursor && !after) return { items: [], nextCursor: null };

  const and: Prisma.BillingPaymentEventWhereInput[] = [];
  if (status) and.push({ status });
  if (type) and.push({ type });
  if (after) and.push({ OR: [{ receivedAt: { lt: after.receivedAt } }, { receivedAt: after.receivedAt, id: { lt: after.id } }] });

  const rows = await db.billingPaymentEvent.findMany({
    where: { AND: and },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: summarySelect,
  });
  const page = rows.slice(0, limit);
  return { items: page.map(preview), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

const replayCount = (db: DbTx, id: string) => db.auditLog.count({ where: { targetType: TARGET_TYPE, targetId: id, action: REPLAY_AUDIT_ACTION } });

/** One inbox row with its payload, full last error and how often it was replayed. */
export async function getWebhookEvent(db: DbTx, id: string) {
  const row = await db.billingPaymentEvent.findUnique({ where: { id }, select: { ...summarySelect, payload: true } });
  if (!row) throw notFound("webhookEvent");
  return { ...row, lastErrorTruncated: false, payload: row.payload, replays: await replayCount(db, id) };
}

// ---------- replay (call inside a transaction: the reset, the job and the audit row land together) ----------

async function refuse(db: DbTx, id: string): Promise<never> {
  const row = await db.billingPaymentEvent.findUnique({ where: { id }, select: { status: true } });
  if (!row) throw notFound("webhookEvent");
  throw new AppError("CONFLICT", `A ${row.status} webhook event cannot be replayed (only ${REPLAYABLE.join(" or ")} events can)`, {
    key: "billingEvents.cannotReplay",
    params: { status: row.status },
  });
}

export const replayWebhookEvent = transactional(async (db, input: { id: string; actorUserId: string }) => {
  const current = await db.billingPaymentEvent.findUnique({ where: { id: input.id }, select: { status: true, type: true } });
  if (!current) throw notFound("webhookEvent");
  if (!canReplay(current.status)) return refuse(db, input.id);
  // Compare-and-set on the status: if the runner or another admin moved the row since we read it, CONFLICT.
  const { count } = await db.billingPaymentEvent.updateMany({
    where: { id: input.id, status: current.status },
    data: { status: "received", lastError: null, processedAt: null, waitingFor: [], waitUntil: null },
  });
  if (count === 0) return refuse(db, input.id);
  const n = (await replayCount(db, input.id)) + 1;
  const idempotencyKey = `${input.id}:replay:${n}`;
  const job = await enqueue(processWebhookJob, { eventId: input.id }, { idempotencyKey, db });
  await recordAudit(db, {
    actorUserId: input.actorUserId,
    action: REPLAY_AUDIT_ACTION,
    targetType: TARGET_TYPE,
    targetId: input.id,
    metadata: { type: current.type, fromStatus: current.status, replay: n },
  });
  return { id: input.id, status: "received" as const, jobId: job.id, idempotencyKey };
});
