import type { PaymentEventStatus } from "@/generated/prisma/client";
import type { Db } from "@/server/db/client";
import { enqueue } from "@/server/domain/jobs";
import {
  InvalidWebhookPayloadError,
  InvalidWebhookSignatureError,
  type PaymentProvider,
  type PaymentWebhookEvent,
  type WebhookHeaders,
} from "@/server/providers/payments";
import { processWebhookJob, requeueWebhookEvent } from "./process-webhook";

export type ReceiveWebhookResult =
  /** Stored (or already stored: a redelivery) and queued for processing. */
  | { status: 200; eventId: string; duplicate: boolean }
  /** Bad or missing signature, wrong secret, stale timestamp: nothing stored. */
  | { status: 401; error: string }
  /** Correctly signed but not an event of the provider's: nothing stored. */
  | { status: 400; error: string };

/**
 * The webhook inbox's front door: the provider verifies the delivery on its raw body and normalizes it,
 * the inbox stores it (the normalized fields as columns, the vendor's body for staff) keyed by its event id and
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
  /** provider: who the deliveries come from (Dodo, or the simulator in development); customer rows are keyed by its name. */
  input: { rawBody: string; headers: WebhookHeaders; provider: Pick<PaymentProvider, "name" | "parseWebhook"> },
): Promise<ReceiveWebhookResult> {
  let event: PaymentWebhookEvent;
  try {
    event = input.provider.parseWebhook(input.rawBody, input.headers);
  } catch (error) {
    if (error instanceof InvalidWebhookSignatureError) return { status: 401, error: error.message };
    if (error instanceof InvalidWebhookPayloadError) return { status: 400, error: error.message };
    throw error;
  }
  const [stored] = await db.billingPaymentEvent.createManyAndReturn({
    data: [inboxRow(input.provider.name, event, storedBody(input.rawBody))],
    skipDuplicates: true,
    select: { id: true },
  });
  if (stored) {
    await enqueue(processWebhookJob, { eventId: stored.id }, { idempotencyKey: stored.id, db });
    return { status: 200, eventId: stored.id, duplicate: false };
  }
  return { status: 200, eventId: await acceptRedelivery(db, event.eventId), duplicate: true };
}

/** The vendor's body as staff read it in the admin inbox (JSON for Dodo; any other text kept as it came). */
function storedBody(rawBody: string): object {
  try {
    const parsed: unknown = JSON.parse(rawBody);
    if (typeof parsed === "object" && parsed !== null) return parsed;
  } catch {
    // not JSON: kept as text below
  }
  return { body: rawBody };
}

/** The inbox row of a normalized event: its fields as columns next to the vendor's body. */
export function inboxRow(provider: string, event: PaymentWebhookEvent, payload: object) {
  return {
    provider,
    providerEventId: event.eventId,
    type: event.providerType,
    payload,
    kind: event.kind,
    occurredAt: event.occurredAt,
    metadataTenantId: event.tenantId,
    checkoutId: event.checkoutId,
    providerCustomerId: event.customerId,
    providerSubscriptionId: event.subscriptionId,
    providerPaymentId: event.paymentId,
    providerRefundId: event.refundId,
    productId: event.productId,
    quantity: event.quantity,
    amountMinor: event.amountMinor,
    currency: event.currency,
    periodEnd: event.periodEnd,
  };
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
