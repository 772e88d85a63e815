import type { Db } from "@/server/db/client";
import { enqueue } from "@/server/domain/jobs";
import {
  InvalidWebhookPayloadError,
  InvalidWebhookSignatureError,
  verifyWebhook,
  type WebhookHeaders,
} from "@/server/providers/payments/webhook-signature";
import { processWebhookJob } from "./process-webhook";

export type ReceiveWebhookResult =
  /** Stored (or already stored: a redelivery) and queued for processing. */
  | { status: 200; eventId: string; duplicate: boolean }
  /** Bad or missing signature, wrong secret, stale timestamp: nothing stored. */
  | { status: 401; error: string }
  /** Correctly signed but not a Dodo envelope: nothing stored. */
  | { status: 400; error: string };

/**
 * The webhook inbox's front door: verify the delivery on its raw body, store it keyed by `webhook-id`
 * (ON CONFLICT DO NOTHING: a redelivery stores nothing and queues nothing) and, in the same
 * transaction, enqueue `billing.process-webhook` with the inbox row id as idempotency key. No
 * processing here: the provider gets its 2xx fast and the job does the work with retries.
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
  // maxWait: under a delivery burst, wait for a pooled connection rather than fail the delivery.
  return db.$transaction(async (tx) => {
    const inserted = await tx.billingPaymentEvent.createManyAndReturn({
      data: [{ provider: input.provider, providerEventId: envelope.id, type: envelope.type, payload }],
      skipDuplicates: true,
      select: { id: true },
    });
    const row = inserted[0];
    if (!row) {
      const existing = await tx.billingPaymentEvent.findUniqueOrThrow({ where: { providerEventId: envelope.id }, select: { id: true } });
      return { status: 200 as const, eventId: existing.id, duplicate: true };
    }
    await enqueue(processWebhookJob, { eventId: row.id }, { idempotencyKey: row.id, db: tx });
    return { status: 200 as const, eventId: row.id, duplicate: false };
  }, { maxWait: 10_000 });
}
