import type { UnwrapWebhookEvent } from "dodopayments/resources/webhooks/webhooks";
import type { Metadata } from "dodopayments/resources/misc";
import type { SubscriptionStatus } from "dodopayments/resources/subscriptions";
import type { PaymentEventKind, PaymentWebhookEvent, WebhookHeaders } from "./types";
import { verifyWebhook } from "./webhook-signature";

// Dodo Payments' webhooks in the app's terms. Dodo signs with Standard Webhooks and sends
// `{ business_id, type, timestamp, data }`; the simulator sends the same, so both providers parse here.
// Typed against the SDK's webhook event union: a field Dodo renames breaks the build here, not billing.

/** `subscription.updated` / `plan_changed` carry the subscription's latest status: they mean that status. */
const BY_STATUS: Readonly<Record<SubscriptionStatus, PaymentEventKind>> = {
  pending: "unhandled",
  active: "subscription.active",
  on_hold: "subscription.on_hold",
  past_due: "subscription.past_due",
  paused: "subscription.paused",
  cancelled: "subscription.cancelled",
  expired: "subscription.expired",
  failed: "subscription.failed",
};

const text = (value: unknown): string | null => (typeof value === "string" && value ? value : null);
const count = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
function date(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

/** What the app put in metadata at checkout (providers/payments/types.ts CreateCheckoutInput.metadata). */
function ours(metadata: Metadata | null | undefined): { tenantId: string | null; checkoutId: string | null } {
  return { tenantId: text(metadata?.tenantId), checkoutId: text(metadata?.checkoutId) };
}

type Normalized = Omit<PaymentWebhookEvent, "eventId" | "providerType" | "occurredAt">;

const NOTHING: Normalized = {
  kind: "unhandled",
  tenantId: null,
  checkoutId: null,
  customerId: null,
  subscriptionId: null,
  paymentId: null,
  refundId: null,
  productId: null,
  quantity: null,
  amountMinor: null,
  currency: null,
  periodEnd: null,
};

function normalize(event: UnwrapWebhookEvent): Normalized {
  switch (event.type) {
    case "payment.succeeded":
    case "payment.failed": {
      const data = event.data;
      // A payment that starts or charges a subscription names it (several only for multi-subscription
      // carts, which this app does not sell: the first is its subscription).
      const subscriptionId = text(data.subscription_id) ?? text(data.subscription_ids?.[0]);
      const line = data.product_cart?.[0];
      const succeeded = event.type === "payment.succeeded";
      return {
        ...NOTHING,
        ...ours(data.metadata),
        kind: subscriptionId ? (succeeded ? "subscription.payment_succeeded" : "subscription.payment_failed") : event.type,
        customerId: text(data.customer?.customer_id),
        subscriptionId,
        paymentId: text(data.payment_id),
        productId: text(line?.product_id),
        quantity: line ? (count(line.quantity) ?? 1) : null,
        amountMinor: count(data.total_amount),
        currency: text(data.currency),
      };
    }
    case "refund.succeeded": {
      const data = event.data;
      return {
        ...NOTHING,
        ...ours(data.metadata),
        kind: "refund.succeeded",
        customerId: text(data.customer?.customer_id),
        paymentId: text(data.payment_id),
        refundId: text(data.refund_id),
        amountMinor: count(data.amount),
        currency: text(data.currency),
      };
    }
    case "subscription.active":
    case "subscription.renewed":
    case "subscription.on_hold":
    case "subscription.past_due":
    case "subscription.paused":
    case "subscription.unpaused":
    case "subscription.cancelled":
    case "subscription.expired":
    case "subscription.failed":
    case "subscription.updated":
    case "subscription.plan_changed": {
      const data = event.data;
      // The other subscription.* types Dodo sends are the app's kinds of the same name.
      let kind: PaymentEventKind =
        event.type === "subscription.updated" || event.type === "subscription.plan_changed" ? (BY_STATUS[data.status] ?? "unhandled") : event.type;
      // Active but set to end with the paid period is a cancellation at period end (false again: withdrawn).
      if (kind === "subscription.active" && data.cancel_at_next_billing_date === true) kind = "subscription.cancelled";
      return {
        ...NOTHING,
        ...ours(data.metadata),
        kind,
        customerId: text(data.customer?.customer_id),
        subscriptionId: text(data.subscription_id),
        productId: text(data.product_id),
        quantity: count(data.quantity),
        amountMinor: count(data.recurring_pre_tax_amount),
        currency: text(data.currency),
        periodEnd: date(data.next_billing_date),
      };
    }
    default:
      return NOTHING;
  }
}

/**
 * A Dodo body (`{ business_id, type, timestamp, data }`) as the app's event. Never throws for a missing
 * field: the event is stored as it came and processing says what it lacks (visible in the admin inbox).
 */
export function dodoWebhookEvent(eventId: string, body: { type: string; timestamp: Date; data: unknown }): PaymentWebhookEvent {
  const normalized = normalize({ type: body.type, data: body.data } as UnwrapWebhookEvent);
  // Nothing of an event billing does not act on is read (the body stays in the inbox for staff).
  return { ...(normalized.kind === "unhandled" ? NOTHING : normalized), eventId, providerType: body.type, occurredAt: body.timestamp };
}

/** Verifies a Dodo (or simulator) delivery with the Standard Webhooks secret and normalizes it. */
export function parseDodoWebhook(rawBody: string, headers: WebhookHeaders, secret: string): PaymentWebhookEvent {
  const envelope = verifyWebhook(rawBody, headers, secret);
  return dodoWebhookEvent(envelope.id, envelope);
}
