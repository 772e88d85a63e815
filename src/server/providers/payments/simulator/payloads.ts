import type { WebhookEventType, WebhookPayload } from "dodopayments/resources/webhook-events";
import type { Currency } from "dodopayments/resources/misc";
import { simulatorProduct } from "./catalog";
import { refundedAmount, type SimulatorCustomer, type SimulatorPayment, type SimulatorRefund, type SimulatorSubscription } from "./objects";

// Dodo's webhook bodies, built from the simulator's records. Typed against the `dodopayments` package's
// own payload types, so a field Dodo adds or renames breaks the build here rather than surprising the
// webhook handler in production. Pure: the delivery job and the payments:simulate CLI share them.

export const SIMULATOR_BUSINESS_ID = "bus_simulator";
const SIMULATOR_BRAND_ID = "bus_simulator"; // Dodo's default brand id is the business id
/** Dodo requires a billing country; the test card is a US card. */
const BILLING = { country: "US", city: null, state: null, street: null, zipcode: null } as const;
/** How long a Dodo subscription runs before it must be renewed by the customer (Dodo's default). */
const SUBSCRIPTION_PERIOD_YEARS = 10;

/** The events the simulator (and payments:simulate) can send. */
export const SIMULATOR_EVENT_TYPES = [
  "payment.succeeded",
  "payment.failed",
  "subscription.active",
  "subscription.renewed",
  "subscription.on_hold",
  "subscription.past_due",
  "subscription.paused",
  "subscription.unpaused",
  "subscription.cancelled",
  "subscription.failed",
  "subscription.expired",
  "subscription.plan_changed",
  "subscription.updated",
  "refund.succeeded",
] as const satisfies readonly WebhookEventType[];
export type SimulatorEventType = (typeof SIMULATOR_EVENT_TYPES)[number];

export function isSimulatorEventType(value: string): value is SimulatorEventType {
  return (SIMULATOR_EVENT_TYPES as readonly string[]).includes(value);
}

/** Which record an event's `data` is built from. */
export function objectKindOf(type: SimulatorEventType): "payment" | "subscription" | "refund" {
  if (type.startsWith("payment.")) return "payment";
  if (type.startsWith("refund.")) return "refund";
  return "subscription";
}

/** The webhook body Dodo sends: `{ business_id, type, timestamp, data }`. */
export interface DodoWebhookBody<TData> {
  business_id: string;
  type: SimulatorEventType;
  timestamp: string;
  data: TData;
}

export type SimulatorWebhookData = WebhookPayload.Payment | WebhookPayload.Subscription | WebhookPayload.Refund;

export function webhookBody<TData extends SimulatorWebhookData>(type: SimulatorEventType, timestamp: Date, data: TData): DodoWebhookBody<TData> {
  const body = { business_id: SIMULATOR_BUSINESS_ID, type, timestamp: timestamp.toISOString(), data };
  body satisfies WebhookPayload;
  return body;
}

const currency = (value: string) => value as Currency;

function customerDetails(customer: SimulatorCustomer) {
  return { customer_id: customer.customer_id, email: customer.email, name: customer.name, metadata: customer.metadata };
}

export function paymentData(payment: SimulatorPayment, customer: SimulatorCustomer): WebhookPayload.Payment {
  const refunded = refundedAmount(payment);
  return {
    payload_type: "Payment",
    payment_id: payment.payment_id,
    business_id: SIMULATOR_BUSINESS_ID,
    brand_id: SIMULATOR_BRAND_ID,
    status: payment.status,
    total_amount: payment.total_amount,
    currency: currency(payment.currency),
    settlement_amount: payment.total_amount,
    settlement_currency: currency(payment.currency),
    settlement_tax: 0,
    tax: 0,
    customer: customerDetails(customer),
    billing: BILLING,
    metadata: payment.metadata,
    subscription_id: payment.subscription_id,
    subscription_ids: payment.subscription_id ? [payment.subscription_id] : [],
    is_multi_subscription: false,
    is_update_payment_method: false,
    product_cart: payment.product_cart,
    checkout_session_id: payment.checkout_session_id,
    payment_provider: "dodo",
    payment_method: "card",
    payment_method_type: "visa",
    card_network: "VISA",
    card_type: "CREDIT",
    card_last_four: payment.card_last_four,
    card_issuing_country: "US",
    error_code: payment.error_code,
    error_message: payment.error_message,
    retry_attempt: payment.retry_attempt,
    digital_products_delivered: false,
    disputes: [],
    refunds: payment.refunds.map((r) => ({
      refund_id: r.refund_id,
      payment_id: payment.payment_id,
      business_id: SIMULATOR_BUSINESS_ID,
      amount: r.amount,
      currency: currency(payment.currency),
      created_at: r.created_at,
      is_partial: r.amount < payment.total_amount,
      status: "succeeded",
      reason: null,
    })),
    refund_status: refunded === 0 ? null : refunded >= payment.total_amount ? "full" : "partial",
    created_at: payment.created_at,
    updated_at: payment.refunds.at(-1)?.created_at ?? payment.created_at,
  };
}

export function subscriptionData(subscription: SimulatorSubscription, customer: SimulatorCustomer): WebhookPayload.Subscription {
  const product = simulatorProduct(subscription.product_id);
  const interval = product?.kind === "plan" && product.interval === "yearly" ? "Year" : "Month";
  return {
    payload_type: "Subscription",
    subscription_id: subscription.subscription_id,
    brand_id: SIMULATOR_BRAND_ID,
    status: subscription.status,
    product_id: subscription.product_id,
    quantity: subscription.quantity,
    customer: customerDetails(customer),
    billing: BILLING,
    metadata: subscription.metadata,
    currency: currency(product?.currency ?? "USD"),
    recurring_pre_tax_amount: (product?.unitAmount ?? 0) * subscription.quantity,
    tax_inclusive: false,
    payment_frequency_count: 1,
    payment_frequency_interval: interval,
    subscription_period_count: SUBSCRIPTION_PERIOD_YEARS,
    subscription_period_interval: "Year",
    trial_period_days: subscription.trial_period_days,
    created_at: subscription.created_at,
    previous_billing_date: subscription.previous_billing_date,
    next_billing_date: subscription.next_billing_date,
    cancel_at_next_billing_date: subscription.cancel_at_next_billing_date,
    cancelled_at: subscription.cancelled_at,
    has_payment_method: true,
    on_demand: false,
    addons: [],
    meters: [],
    credit_entitlement_cart: [],
    meter_credit_entitlement_cart: [],
  };
}

export function refundData(refund: SimulatorRefund, customer: SimulatorCustomer): WebhookPayload.Refund {
  return {
    payload_type: "Refund",
    refund_id: refund.refund_id,
    payment_id: refund.payment_id,
    business_id: SIMULATOR_BUSINESS_ID,
    brand_id: SIMULATOR_BRAND_ID,
    status: "succeeded",
    amount: refund.amount,
    currency: currency(refund.currency),
    is_partial: refund.is_partial,
    customer: customerDetails(customer),
    metadata: refund.metadata,
    reason: null,
    created_at: refund.created_at,
  };
}
