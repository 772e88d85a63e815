import type { PaymentEventStatus } from "@/generated/prisma/client";
import type { Db } from "@/server/db/client";
import { enqueue } from "@/server/domain/jobs";
import {
  InvalidWebhookPayloadError,
  InvalidWebhookSignatureError,
  verifyWebhook,
  type WebhookHeaders,
} from "@/server/providers/payments/webhook-signature";
import { processWebhookJob, requeueWebhookEvent } from "./process-webhook";

export type ReceiveWebhookResult =
  /** Stored (or already stored: a redelivery) and queued for processing. */
  | { status: 200; eventId: string; duplicate: boolean }
  /** Bad or missing signature, wrong secret, stale timestamp: nothing stored. */
  | { status: 401; error: string }
  /** Correctly signed but not a Dodo envelope: nothing stored. */
  | { status: 400; error: string };

/**
 * The webhook inbox's front door: verify the delivery on its raw body, store it keyed by `webhook-id` and
 * queue `billing.process-webhook` for it. No processing here: the provider gets its 2xx fast and the job
 * does the work with retries. Each step is one statement of its own, with no interactive transaction
 * whose timer a busy database could run out: storing and queueing are both idempotent, and a delivery
 * that fails between them is answered with an error, so the provider delivers it again and the
 * redelivery queues what is missing.
 *
 * A redelivery stores nothing. If processing already finished it queues nothing either; if the stored
 * event failed past its retries or is waiting for another event, the redelivery queues it again: the
 * provider's retries then keep working for events that were not processed.
 */
export async function receiveWebhook(
  db: Db,
  /** provider: who the deliveries come from, "dodo" or (in development) "simulator"; customer rows are keyed by it. */
  input: { rawBody: string; headers: WebhookHeaders; secret: string; provider: string },
): Promise<ReceiveWebhookResult> {
  let envelope;
  try {
    envelope = verifyWebhook(input.rawBody, input.headers, input.secret);
  } catch (error) {
    if (error instanceof InvalidWebhookSignatureError) return { status: 401, error: error.message };
    if (error instanceof InvalidWebhookPayloadError) return { status: 400, error: error.message };
    throw error;
  }
  const payload = JSON.parse(input.rawBody) as object;
  const [stored] = await db.billingPaymentEvent.createManyAndReturn({
    data: [{ provider: input.provider, providerEventId: envelope.id, type: envelope.type, payload }],
    skipDuplicates: true,
    select: { id: true },
  });
  if (stored) {
    await enqueue(processWebhookJob, { eventId: stored.id }, { idempotencyKey: stored.id, db });
    return { status: 200, eventId: stored.id, duplicate: false };
  }
  return { status: 200, eventId: await acceptRedelivery(db, envelope.id), duplicate: true };
}

/** Counts a redelivery and queues what its stored event still needs; returns the event's id. */
async function acceptRedelivery(db: Db, providerEventId: string): Promise<string> {
  // One statement: the row's status before and after, decided under its row lock.
  const [row] = await db.$queryRaw<{ id: string; attempts: number; deliveries: number; previous: PaymentEventStatus }[]>`
    WITH previous AS (
      SELECT id, status FROM billing_payment_events WHERE provider_event_id = ${providerEventId} FOR UPDATE
    )
    UPDATE billing_payment_events AS e
    SET deliveries = e.deliveries + 1,
        status = CASE WHEN previous.status IN ('failed', 'waiting') THEN 'received'::payment_event_status ELSE e.status END,
        waiting_for = CASE WHEN previous.status = 'waiting' THEN '{}'::text[] ELSE e.waiting_for END,
        wait_until = CASE WHEN previous.status = 'waiting' THEN NULL ELSE e.wait_until END
    FROM previous
    WHERE e.id = previous.id
    RETURNING e.id, e.attempts, e.deliveries, previous.status AS previous`;
  if (!row) throw new Error(`Webhook ${providerEventId} is neither new nor stored (deleted meanwhile?)`);
  if (row.previous === "failed" || row.previous === "waiting") await requeueWebhookEvent(db, row, `delivery:${row.deliveries}`);
  // Still "received": its first delivery may have stopped before queueing; the same key is a no-op otherwise.
  else if (row.previous === "received") await enqueue(processWebhookJob, { eventId: row.id }, { idempotencyKey: row.id, db });
  return row.id;
}
