// The payments provider contract, in both directions. Two implementations: Dodo Payments (./dodo.ts, the
// real SDK) and the local simulator (./simulator). Everything billing does with a payment provider goes
// through this interface, and everything a provider sends (webhooks) comes out of it as a
// PaymentWebhookEvent: the billing code never imports the SDK nor reads a vendor's JSON.

import { HOUR_MS, MINUTE_MS } from "@/lib/time";

/** Request headers as the route has them (Fetch Headers) or as Node gives them. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/** A webhook delivery that must be refused (401): missing headers, bad signature, wrong secret, stale. */
export class InvalidWebhookSignatureError extends Error {
  override name = "InvalidWebhookSignatureError";
}

/** Correctly signed but not an event this provider sends (400; a bug on the sender's side). */
export class InvalidWebhookPayloadError extends Error {
  override name = "InvalidWebhookPayloadError";
}

/** Values a provider accepts in metadata (Dodo: string, number or boolean; objects are rejected). */
export type PaymentMetadata = Record<string, string | number | boolean>;

/** An existing provider customer, or the data to create one during checkout. */
export type CheckoutCustomer = { customerId: string } | { email: string; name?: string };

export interface CreateCheckoutInput {
  /** "subscription": a plan (granted on `subscription.active`); "topup": a one-time credit pack (fulfilled on `payment.succeeded`). */
  kind: "subscription" | "topup";
  /** The provider's product id (from the plan catalogue). */
  productId: string;
  /** Seats for a per-seat plan, packs for a top-up. A positive integer. */
  quantity: number;
  customer: CheckoutCustomer;
  /** Where the hosted checkout sends the customer back to. */
  returnUrl: string;
  /** Travels with the payment / subscription into every webhook: put tenantId (and e.g. the checkout row id) here. */
  metadata: PaymentMetadata;
  /** Only for kind "subscription". */
  trialPeriodDays?: number;
  /**
   * The caller's dedupe key for this checkout. The simulator honours it (the same key gives the same
   * session). Dodo has no idempotency header for checkout sessions and no lookup by metadata, so the Dodo
   * adapter cannot pass it on: the caller dedupes (billing_provider_calls, one reserved call per key) and
   * lives with a second, unseen session when a resumed call's first answer was lost.
   */
  idempotencyKey?: string;
}

export interface CheckoutSession {
  sessionId: string;
  checkoutUrl: string;
}

export interface CreateCustomerInput {
  email: string;
  name: string;
  metadata: PaymentMetadata;
  /**
   * The caller's key for this customer: a second call with the same key (a retry after the first
   * one's answer was lost) gives the same customer. The simulator derives the customer id from it.
   * Dodo has no idempotency for customers, so the Dodo adapter stores the key in the customer's
   * metadata (CUSTOMER_KEY_METADATA) and first looks for a customer of this email that carries it.
   */
  idempotencyKey?: string;
}

/** The metadata field a customer created with an idempotency key carries it in (Dodo adapter). */
export const CUSTOMER_KEY_METADATA = "idempotencyKey";

/**
 * How a plan change is billed (Dodo's `proration_billing_mode`): charge the prorated difference now, the
 * full new price now, only the price difference now, or nothing until the next renewal.
 */
export type ProrationMode = "prorated_immediately" | "full_immediately" | "difference_immediately" | "do_not_bill";

export interface ChangePlanInput {
  productId: string;
  quantity: number;
  proration: ProrationMode;
}

export interface UsageEvent {
  /** The idempotency key: an event id the provider has seen before is ignored. */
  eventId: string;
  customerId: string;
  /** Must match a meter's event name. */
  eventName: string;
  /** Must lie within [now - 1 h, now + 5 min]; checked before any request. */
  timestamp: Date;
  /** Values a meter sums must be numbers. At most 50 keys. */
  metadata?: PaymentMetadata;
}

/** Dodo accepts at most this many events per ingest call; reportUsage splits larger lists. */
export const USAGE_BATCH_LIMIT = 1000;
/** Usage events older than this are rejected by the provider (and by reportUsage before sending). */
export const USAGE_MAX_AGE_MS = HOUR_MS;
/** Usage events further ahead than this are rejected by the provider (and by reportUsage before sending). */
export const USAGE_MAX_FUTURE_MS = 5 * MINUTE_MS;

/**
 * What a provider's webhook can tell billing, whatever its vendor calls it. Subscription kinds move the
 * subscription's state (subscription.payment_* are the payments of a subscription); payment.* are
 * one-time payments (credit packs); "unhandled" is everything else (disputes, payouts, ...), stored and
 * marked ignored.
 */
export const PAYMENT_EVENT_KINDS = [
  "subscription.active",
  "subscription.renewed",
  "subscription.on_hold",
  "subscription.past_due",
  "subscription.paused",
  "subscription.unpaused",
  "subscription.cancelled",
  "subscription.expired",
  "subscription.failed",
  "subscription.payment_succeeded",
  "subscription.payment_failed",
  "payment.succeeded",
  "payment.failed",
  "refund.succeeded",
  "unhandled",
] as const;
export type PaymentEventKind = (typeof PAYMENT_EVENT_KINDS)[number];

/** A verified webhook delivery in the app's own terms: the inbox stores these fields as columns. */
export interface PaymentWebhookEvent {
  /** The delivery's id, identical for every retry of one event: the inbox dedupes on it. */
  readonly eventId: string;
  /** The vendor's own name for the event ("payment.succeeded", "invoice.paid", ...), shown to staff. */
  readonly providerType: string;
  readonly kind: PaymentEventKind;
  /** When it happened at the provider (not when it was delivered): orders a subscription's events. */
  readonly occurredAt: Date;
  /** From the metadata the app attached at checkout (CreateCheckoutInput.metadata). */
  readonly tenantId: string | null;
  readonly checkoutId: string | null;
  readonly customerId: string | null;
  readonly subscriptionId: string | null;
  readonly paymentId: string | null;
  readonly refundId: string | null;
  /** The product bought (the first line of a cart); null when the event names none. */
  readonly productId: string | null;
  readonly quantity: number | null;
  /** In minor units: a payment's total, a refund's refunded amount. */
  readonly amountMinor: number | null;
  readonly currency: string | null;
  /** Subscription events: the end of the paid period (or of the trial). */
  readonly periodEnd: Date | null;
}

export interface PaymentProvider {
  /** Stored with the customers and events it knows ("dodo", "simulator"): ids are unique per provider. */
  readonly name: string;
  /**
   * Verifies a webhook delivery on its raw body (before any JSON parsing) and normalizes it. Throws
   * InvalidWebhookSignatureError (answer 401: unsigned, forged, stale) or InvalidWebhookPayloadError
   * (400: signed but not an event this provider sends).
   */
  parseWebhook(rawBody: string, headers: WebhookHeaders): PaymentWebhookEvent;
  /** A hosted checkout for a plan or a credit pack. */
  createCheckout(input: CreateCheckoutInput): Promise<CheckoutSession>;
  createCustomer(input: CreateCustomerInput): Promise<{ customerId: string }>;
  /** A short-lived link to the provider's customer portal (cards, invoices, cancel). */
  portalLink(customerId: string, returnUrl: string): Promise<{ url: string }>;
  changePlan(subscriptionId: string, input: ChangePlanInput): Promise<void>;
  /** The subscription stays active until the end of the paid period, then ends (no renewal). */
  cancelAtPeriodEnd(subscriptionId: string): Promise<void>;
  /**
   * Sends usage events in batches of at most USAGE_BATCH_LIMIT. Validates every timestamp first and
   * throws (non-retryable, nothing sent) if one is out of range. Repeated event ids in the input are sent
   * once. Returns the number of events the provider reported as ingested.
   */
  reportUsage(events: UsageEvent[]): Promise<{ ingested: number }>;
}

/**
 * Anything a provider call failed with. `retryable`: the provider or the network had trouble (5xx, 429,
 * 408, connection error, timeout) and the same call may succeed later; false: the request itself was
 * refused (other 4xx, invalid input), sending it again cannot help. `status` is the HTTP status when
 * there was a response.
 */
export class PaymentProviderError extends Error {
  override name = "PaymentProviderError";
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly provider: PaymentProvider["name"];
  constructor(
    message: string,
    opts: { retryable: boolean; status?: number; provider: PaymentProvider["name"]; cause?: unknown },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.retryable = opts.retryable;
    this.status = opts.status;
    this.provider = opts.provider;
  }
}

/**
 * Checks usage events against the provider's time window and de-duplicates them by eventId (first one
 * wins), then splits them into batches. Shared by every implementation so the simulator rejects what Dodo
 * would reject.
 */
export function prepareUsageBatches(
  events: UsageEvent[],
  provider: PaymentProvider["name"],
  now: Date = new Date(),
): UsageEvent[][] {
  const seen = new Set<string>();
  const unique: UsageEvent[] = [];
  for (const event of events) {
    const t = event.timestamp.getTime();
    if (Number.isNaN(t)) {
      throw new PaymentProviderError(`Usage event ${event.eventId} has an invalid timestamp`, { retryable: false, provider });
    }
    if (now.getTime() - t > USAGE_MAX_AGE_MS) {
      throw new PaymentProviderError(
        `Usage event ${event.eventId} is older than 1 hour (${event.timestamp.toISOString()}); the provider would reject it`,
        { retryable: false, provider },
      );
    }
    if (t - now.getTime() > USAGE_MAX_FUTURE_MS) {
      throw new PaymentProviderError(
        `Usage event ${event.eventId} is more than 5 minutes in the future (${event.timestamp.toISOString()}); the provider would reject it`,
        { retryable: false, provider },
      );
    }
    if (seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    unique.push(event);
  }
  const batches: UsageEvent[][] = [];
  for (let i = 0; i < unique.length; i += USAGE_BATCH_LIMIT) batches.push(unique.slice(i, i + USAGE_BATCH_LIMIT));
  return batches;
}
