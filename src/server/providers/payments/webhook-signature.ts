import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { InvalidWebhookPayloadError, InvalidWebhookSignatureError, type WebhookHeaders } from "./types";

// Standard Webhooks (what Dodo Payments sends, and what the local simulator sends): headers webhook-id,
// webhook-timestamp (unix seconds) and webhook-signature ("v1,<base64>", possibly several space-separated);
// HMAC-SHA256 over `${id}.${timestamp}.${rawBody}` keyed with the base64 secret after "whsec_". The
// `standardwebhooks` package enforces a 5 minute tolerance on the timestamp in both directions.

/** The Dodo envelope `{ business_id, type, timestamp, data }` plus the delivery id (the dedupe key). */
export interface WebhookEnvelope<TData = unknown> {
  /** The `webhook-id` header: identical for every retry of one delivery; the inbox dedupes on it. */
  id: string;
  /** e.g. "payment.succeeded", "subscription.active". */
  type: string;
  /** When the event happened (the envelope's `timestamp`), for order-safety. Not the delivery time. */
  timestamp: Date;
  data: TData;
  businessId: string;
}

export { InvalidWebhookPayloadError, InvalidWebhookSignatureError, type WebhookHeaders };

const HEADER_NAMES = ["webhook-id", "webhook-timestamp", "webhook-signature"] as const;

function pickHeaders(headers: WebhookHeaders): Record<(typeof HEADER_NAMES)[number], string | undefined> {
  const get = (name: string): string | undefined => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    // Node's IncomingHttpHeaders are lower-case already; other records may not be.
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() !== name) continue;
      const value = headers[key];
      return Array.isArray(value) ? value.join(" ") : value;
    }
    return undefined;
  };
  return {
    "webhook-id": get("webhook-id"),
    "webhook-timestamp": get("webhook-timestamp"),
    "webhook-signature": get("webhook-signature"),
  };
}

/** A secret that cannot be decoded is a configuration error (500), not a bad request. */
function webhookFor(secret: string): Webhook {
  if (!secret) throw new Error("Webhook secret is not configured (DODO_PAYMENTS_WEBHOOK_KEY)");
  try {
    return new Webhook(secret);
  } catch (error) {
    throw new Error(`Webhook secret is not a valid whsec_<base64> secret: ${(error as Error).message}`);
  }
}

function bodyToString(rawBody: string | Uint8Array): string {
  return typeof rawBody === "string" ? rawBody : Buffer.from(rawBody).toString("utf8");
}

/**
 * Verifies a delivery on its raw body (read it with `await req.text()` before any JSON parsing) and returns
 * the parsed envelope. Throws InvalidWebhookSignatureError for anything that must be refused with 401,
 * InvalidWebhookPayloadError for a correctly signed body that is not an envelope, and a plain Error for a
 * missing or malformed secret.
 */
export function verifyWebhook<TData = unknown>(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
): WebhookEnvelope<TData> {
  const wh = webhookFor(secret);
  const picked = pickHeaders(headers);
  const missing = HEADER_NAMES.filter((name) => !picked[name]);
  if (missing.length > 0) throw new InvalidWebhookSignatureError(`Missing webhook header(s): ${missing.join(", ")}`);
  const body = bodyToString(rawBody);
  try {
    // jsonParse false: we parse ourselves, so a JSON error is not mistaken for a signature error.
    wh.verify(body, picked as Record<string, string>, { jsonParse: false });
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      throw new InvalidWebhookSignatureError(`Webhook signature verification failed: ${error.message}`);
    }
    throw error;
  }
  return parseEnvelope<TData>(body, picked["webhook-id"]!);
}

function parseEnvelope<TData>(body: string, id: string): WebhookEnvelope<TData> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new InvalidWebhookPayloadError("Webhook body is not JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new InvalidWebhookPayloadError("Webhook body is not a JSON object");
  }
  const env = parsed as Record<string, unknown>;
  if (typeof env.type !== "string" || !env.type) throw new InvalidWebhookPayloadError("Webhook body has no type");
  if (typeof env.business_id !== "string") throw new InvalidWebhookPayloadError("Webhook body has no business_id");
  if (typeof env.timestamp !== "string") throw new InvalidWebhookPayloadError("Webhook body has no timestamp");
  const timestamp = new Date(env.timestamp);
  if (Number.isNaN(timestamp.getTime())) throw new InvalidWebhookPayloadError(`Webhook timestamp is invalid: ${env.timestamp}`);
  if (typeof env.data !== "object" || env.data === null) throw new InvalidWebhookPayloadError("Webhook body has no data object");
  return { id, type: env.type, timestamp, data: env.data as TData, businessId: env.business_id };
}

// A type alias (not an interface) so it is assignable to WebhookHeaders' index signature.
export type SignedWebhookHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

export interface SignWebhookOptions {
  secret: string;
  /** The delivery id (`webhook-id`); reuse it to simulate a redelivery. */
  id: string;
  /** The delivery time (`webhook-timestamp`). Default now. */
  timestamp?: Date;
}

/**
 * Signs a raw body the way Dodo does, for the local simulator and tests, and returns the three headers to
 * send with exactly that body.
 */
export function signWebhook(payload: string, opts: SignWebhookOptions): SignedWebhookHeaders {
  const wh = webhookFor(opts.secret);
  const timestamp = opts.timestamp ?? new Date();
  return {
    "webhook-id": opts.id,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": wh.sign(opts.id, timestamp, payload),
  };
}

/** A fresh `whsec_` secret (32 random bytes), e.g. the dev fallback when DODO_PAYMENTS_WEBHOOK_KEY is unset. */
export function generateWebhookSecret(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return `whsec_${Buffer.from(bytes).toString("base64")}`;
}
