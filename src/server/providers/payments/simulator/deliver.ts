import { z } from "zod";
import { env } from "@/env";
import type { DbTx } from "@/server/db/client";
import { defineJob, enqueue, PermanentJobError } from "@/server/domain/jobs";
import { findObject, simulatorId, type SimulatorCustomer } from "./objects";
import {
  objectKindOf,
  paymentData,
  refundData,
  SIMULATOR_EVENT_TYPES,
  subscriptionData,
  webhookBody,
  type SimulatorEventType,
  type SimulatorWebhookData,
} from "./payloads";
import { resolveWebhookSecret } from "../webhook-secret";
import { signWebhook } from "../webhook-signature";
import { HOUR_MS } from "@/lib/time";

// Webhook delivery as Dodo does it: one job per event, signed (Standard Webhooks) at send time with a
// fresh timestamp, the same webhook-id on every attempt (a retry is a redelivery the inbox dedupes),
// a 15 s timeout, any non-2xx or connection error retried with backoff. The job names the record the
// event is about, and the body is built from that record when it is sent, so it carries the latest
// state at delivery time, as Dodo's does.

/** Dodo gives up on an endpoint after 15 s. */
const WEBHOOK_TIMEOUT_MS = 15_000;
/** A job may run before the transaction that queued it commits (Trigger.dev): wait for the record this often. */
const MISSING_OBJECT_ATTEMPTS = 3;

/** Where the app receives Dodo's webhooks. */
export function webhookEndpoint(appUrl: string): string {
  return new URL("/api/webhooks/dodo", appUrl).toString();
}

const deliveryPayload = z.object({
  webhookId: z.string().startsWith("msg_"),
  type: z.enum(SIMULATOR_EVENT_TYPES),
  /** When the event happened (the envelope's timestamp), not when it is delivered. */
  timestamp: z.iso.datetime(),
  /** The payment, subscription or refund the event is about. */
  objectId: z.string().min(1),
  webhookUrl: z.url(),
});
export type SimulatorDelivery = z.infer<typeof deliveryPayload>;

export interface PostWebhookResult {
  status: number;
  body: string;
}

/**
 * Signs `body` now and POSTs it. Returns the endpoint's answer whatever its status; throws only when
 * there was none (connection refused, timeout).
 */
export async function postSignedWebhook(input: {
  url: string;
  webhookId: string;
  body: string;
  secret: string;
  timeoutMs?: number;
}): Promise<PostWebhookResult> {
  const headers = signWebhook(input.body, { secret: input.secret, id: input.webhookId });
  const timeoutMs = input.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  let res: Response;
  try {
    res = await fetch(input.url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "payments-simulator", ...headers },
      body: input.body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const reason = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : errorText(error);
    throw new Error(`Webhook endpoint ${input.url} could not be reached: ${reason}`);
  }
  return { status: res.status, body: await res.text().catch(() => "") };
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch wraps the socket error: ECONNREFUSED is in the cause.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}

async function customerOf(db: DbTx, customerId: string): Promise<SimulatorCustomer> {
  const customer = await findObject(db, "customer", customerId);
  if (!customer) throw new PermanentJobError(`Simulator customer ${customerId} does not exist`);
  return customer;
}

/** An event's `data` from its record's current state; null while the record does not exist. */
async function currentData(db: DbTx, type: SimulatorEventType, objectId: string): Promise<SimulatorWebhookData | null> {
  switch (objectKindOf(type)) {
    case "payment": {
      const payment = await findObject(db, "payment", objectId);
      return payment && paymentData(payment, await customerOf(db, payment.customer_id));
    }
    case "subscription": {
      const subscription = await findObject(db, "subscription", objectId);
      return subscription && subscriptionData(subscription, await customerOf(db, subscription.customer_id));
    }
    case "refund": {
      const refund = await findObject(db, "refund", objectId);
      return refund && refundData(refund, await customerOf(db, refund.customer_id));
    }
  }
}

/** The JSON body for a delivery, built now; null while its record does not exist. */
export async function buildDeliveryBody(db: DbTx, delivery: SimulatorDelivery): Promise<string | null> {
  const data = await currentData(db, delivery.type, delivery.objectId);
  return data && JSON.stringify(webhookBody(delivery.type, new Date(delivery.timestamp), data));
}

/** One delivery attempt; throws (the runner retries with backoff) unless the endpoint answered 2xx. */
export async function deliverSimulatorEvent(
  db: DbTx,
  delivery: SimulatorDelivery,
  opts: { secret: string; attempt?: number; timeoutMs?: number },
): Promise<{ status: number }> {
  const body = await buildDeliveryBody(db, delivery);
  if (body === null) {
    const message = `Simulator ${objectKindOf(delivery.type)} ${delivery.objectId} does not exist`;
    if ((opts.attempt ?? MISSING_OBJECT_ATTEMPTS) < MISSING_OBJECT_ATTEMPTS) throw new Error(`${message} (yet)`);
    throw new PermanentJobError(message);
  }
  const res = await postSignedWebhook({ url: delivery.webhookUrl, webhookId: delivery.webhookId, body, secret: opts.secret, timeoutMs: opts.timeoutMs });
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`Webhook endpoint ${delivery.webhookUrl} answered ${res.status}: ${res.body.slice(0, 300)}`);
  }
  return { status: res.status };
}

export const deliverSimulatorEventJob = defineJob({
  name: "payments-simulator.deliver",
  parse: (payload) => deliveryPayload.parse(payload),
  // The secret is read at send time: the same one the app verifies with (DODO_PAYMENTS_WEBHOOK_KEY or .data/).
  run: (delivery, ctx) => deliverSimulatorEvent(ctx.db, delivery, { secret: resolveWebhookSecret(env), attempt: ctx.attempt }),
  // Dodo: 8 retries over ~1.5 days. Shorter steps here (5 s doubling, about 40 min in all), so an app that
  // was restarted during development gets its events soon after it is back.
  retry: { maxAttempts: 9, baseDelayMs: 5_000, maxDelayMs: 10 * HOUR_MS },
});

export interface QueueEventInput {
  type: SimulatorEventType;
  objectId: string;
  at: Date;
  appUrl: string;
  delayMs?: number;
}

/**
 * Queues one event for delivery. Pass the transaction that changes the simulator's records: the
 * event exists exactly when the change commits (on the local job queue; Trigger.dev sends at once,
 * and the job waits a few attempts for the record to appear).
 */
export async function queueSimulatorEvent(tx: DbTx, input: QueueEventInput): Promise<string> {
  const webhookId = simulatorId("msg");
  await enqueue(
    deliverSimulatorEventJob,
    { webhookId, type: input.type, timestamp: input.at.toISOString(), objectId: input.objectId, webhookUrl: webhookEndpoint(input.appUrl) },
    { db: tx, idempotencyKey: `payments-simulator:${webhookId}`, delayMs: input.delayMs },
  );
  return webhookId;
}
