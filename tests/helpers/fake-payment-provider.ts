/**
 * "FakePay": a second, minimal payments vendor whose webhooks look nothing like Dodo's (event id in the
 * body, camelCase names, epoch-millisecond times, decimal-string amounts, an HMAC over the body in its own
 * header). It implements only the PaymentProvider interface, the way a swapped-in vendor would under
 * src/server/providers/payments/: billing must work with it unchanged (billing-webhook-storm tests).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import {
  InvalidWebhookPayloadError,
  InvalidWebhookSignatureError,
  PaymentProviderError,
  type PaymentEventKind,
  type PaymentProvider,
  type PaymentWebhookEvent,
  type WebhookHeaders,
} from "@/server/providers/payments/types";

export const FAKEPAY_SIGNATURE_HEADER = "fakepay-signature";

export type FakePayState = "ACTIVE" | "RENEWED" | "PAST_DUE" | "ON_HOLD" | "CANCELLED" | "EXPIRED";

/** A FakePay event body. */
export interface FakePayEvent {
  eventId: string;
  name: "SubscriptionStateChanged" | "InvoicePaid" | "InvoiceFailed" | "OrderPaid" | "OrderRefunded" | "PayoutSent";
  createdAtMs: number;
  object: {
    tags?: { tenantId?: string; checkoutId?: string };
    account?: { ref: string };
    subscription?: { ref: string; state: FakePayState; plan: string; seats: number; currentPeriodEndMs: number };
    invoice?: { ref: string; subscriptionRef: string; total: string; currency: string };
    order?: { ref: string; lines: { sku: string; qty: number }[]; total: string; currency: string };
    refund?: { ref: string; orderRef: string; amount: string; currency: string };
  };
}

const STATE_KIND: Record<FakePayState, PaymentEventKind> = {
  ACTIVE: "subscription.active",
  RENEWED: "subscription.renewed",
  PAST_DUE: "subscription.past_due",
  ON_HOLD: "subscription.on_hold",
  CANCELLED: "subscription.cancelled",
  EXPIRED: "subscription.expired",
};

/** "29.00" -> 2900 (FakePay sends major units as decimal strings). */
const minorUnits = (amount: string | undefined): number | null => (amount === undefined ? null : Math.round(Number(amount) * 100));

export function signFakePay(body: string, secret: string): Record<string, string> {
  return { [FAKEPAY_SIGNATURE_HEADER]: `sha256=${createHmac("sha256", secret).update(body).digest("hex")}` };
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function toPaymentEvent(event: FakePayEvent): PaymentWebhookEvent {
  const { object } = event;
  const base = {
    eventId: event.eventId,
    providerType: event.name,
    occurredAt: new Date(event.createdAtMs),
    tenantId: object.tags?.tenantId ?? null,
    checkoutId: object.tags?.checkoutId ?? null,
    customerId: object.account?.ref ?? null,
    subscriptionId: null,
    paymentId: null,
    refundId: null,
    productId: null,
    quantity: null,
    amountMinor: null,
    currency: null,
    periodEnd: null,
  } satisfies Omit<PaymentWebhookEvent, "kind">;
  switch (event.name) {
    case "SubscriptionStateChanged": {
      const sub = object.subscription!;
      return { ...base, kind: STATE_KIND[sub.state], subscriptionId: sub.ref, productId: sub.plan, quantity: sub.seats, periodEnd: new Date(sub.currentPeriodEndMs) };
    }
    case "InvoicePaid":
    case "InvoiceFailed": {
      const invoice = object.invoice!;
      return {
        ...base,
        kind: event.name === "InvoicePaid" ? "subscription.payment_succeeded" : "subscription.payment_failed",
        subscriptionId: invoice.subscriptionRef,
        paymentId: invoice.ref,
        amountMinor: minorUnits(invoice.total),
        currency: invoice.currency.toUpperCase(),
      };
    }
    case "OrderPaid": {
      const order = object.order!;
      return {
        ...base,
        kind: "payment.succeeded",
        paymentId: order.ref,
        productId: order.lines[0]?.sku ?? null,
        quantity: order.lines[0]?.qty ?? null,
        amountMinor: minorUnits(order.total),
        currency: order.currency.toUpperCase(),
      };
    }
    case "OrderRefunded": {
      const refund = object.refund!;
      return { ...base, kind: "refund.succeeded", refundId: refund.ref, paymentId: refund.orderRef, amountMinor: minorUnits(refund.amount), currency: refund.currency.toUpperCase() };
    }
    default:
      return { ...base, kind: "unhandled" };
  }
}

const unsupported = (): never => {
  throw new PaymentProviderError("FakePay only sends webhooks in these tests", { retryable: false, provider: "fakepay" });
};

export function createFakePayProvider(secret: string): PaymentProvider {
  return {
    name: "fakepay",
    parseWebhook(rawBody, headers) {
      const given = header(headers, FAKEPAY_SIGNATURE_HEADER);
      const expected = signFakePay(rawBody, secret)[FAKEPAY_SIGNATURE_HEADER]!;
      if (!given || given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
        throw new InvalidWebhookSignatureError("FakePay signature does not match");
      }
      let event: FakePayEvent;
      try {
        event = JSON.parse(rawBody) as FakePayEvent;
      } catch {
        throw new InvalidWebhookPayloadError("FakePay body is not JSON");
      }
      if (typeof event.eventId !== "string" || typeof event.name !== "string" || typeof event.createdAtMs !== "number") {
        throw new InvalidWebhookPayloadError("FakePay body has no eventId, name or createdAtMs");
      }
      return toPaymentEvent(event);
    },
    createCheckout: unsupported,
    createCustomer: unsupported,
    portalLink: unsupported,
    changePlan: unsupported,
    cancelAtPeriodEnd: unsupported,
    reportUsage: unsupported,
  };
}
