import { createHash, randomBytes } from "node:crypto";
import type { Prisma } from "@/generated/prisma/client";
import type { DbTx } from "@/server/db/client";
import type { Tx } from "@/server/db/transaction";
import type { PaymentMetadata } from "../types";

// The simulator's own records in payment_simulator_objects (id, kind, data jsonb), field names as Dodo
// names them so the webhook payloads are a plain mapping. Dates are ISO strings, amounts minor units.

export const SIMULATOR_CURRENCY = "USD";

export interface SimulatorCartLine {
  product_id: string;
  quantity: number;
}

export interface SimulatorCustomer {
  customer_id: string;
  email: string;
  name: string;
  metadata: PaymentMetadata;
  created_at: string;
}

export interface SimulatorCheckoutSession {
  session_id: string;
  kind: "subscription" | "topup";
  product_cart: SimulatorCartLine[];
  /** An existing customer, or who to create one for when the session is paid. */
  customer: { customer_id: string } | { email: string; name?: string };
  return_url: string;
  metadata: PaymentMetadata;
  trial_period_days: number | null;
  idempotency_key: string | null;
  created_at: string;
  /** A declined card leaves the session open (the customer may try another card), as on Dodo. */
  status: "open" | "completed";
  completed_at: string | null;
  payment_id: string | null;
  subscription_id: string | null;
}

/** The Dodo subscription statuses the simulator's operations lead to. */
export type SimulatorSubscriptionStatus = "active" | "past_due";

export interface SimulatorSubscription {
  subscription_id: string;
  customer_id: string;
  product_id: string;
  quantity: number;
  status: SimulatorSubscriptionStatus;
  metadata: PaymentMetadata;
  created_at: string;
  previous_billing_date: string;
  next_billing_date: string;
  cancel_at_next_billing_date: boolean;
  cancelled_at: string | null;
  trial_period_days: number;
  checkout_session_id: string | null;
}

export interface SimulatorRefundLine {
  refund_id: string;
  amount: number;
  created_at: string;
}

export interface SimulatorPayment {
  payment_id: string;
  customer_id: string;
  status: "succeeded" | "failed";
  total_amount: number;
  currency: string;
  metadata: PaymentMetadata;
  subscription_id: string | null;
  /** Set for one-time payments (credit packs); null for subscription payments, as on Dodo. */
  product_cart: SimulatorCartLine[] | null;
  checkout_session_id: string | null;
  card_last_four: string;
  error_code: string | null;
  error_message: string | null;
  /** 0 for the first charge, 1+ for a retry after a failed renewal (Dodo's retry_attempt). */
  retry_attempt: number;
  refunds: SimulatorRefundLine[];
  created_at: string;
}

export interface SimulatorRefund {
  refund_id: string;
  payment_id: string;
  customer_id: string;
  amount: number;
  currency: string;
  metadata: PaymentMetadata;
  is_partial: boolean;
  created_at: string;
}

export interface SimulatorUsageEvent {
  event_id: string;
  customer_id: string;
  event_name: string;
  timestamp: string;
  metadata: PaymentMetadata;
  /** When the simulator ingested it. */
  created_at: string;
}

export interface SimulatorObjects {
  customer: SimulatorCustomer;
  checkout_session: SimulatorCheckoutSession;
  subscription: SimulatorSubscription;
  payment: SimulatorPayment;
  refund: SimulatorRefund;
  usage_event: SimulatorUsageEvent;
}
export type SimulatorObjectKind = keyof SimulatorObjects;

/** Dodo's id prefixes: cus_, cks_, sub_, pay_, ref_ (and msg_ for webhook deliveries). */
export type SimulatorIdPrefix = "cus" | "cks" | "sub" | "pay" | "ref" | "msg";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SUFFIX_LENGTH = 22;

function alphanumeric(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < SUFFIX_LENGTH; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return out;
}

/** A fresh id shaped like Dodo's (`pay_` + 22 random alphanumerics). */
export function simulatorId(prefix: SimulatorIdPrefix): string {
  return `${prefix}_${alphanumeric(randomBytes(SUFFIX_LENGTH))}`;
}

/** The same id for the same key (checkout idempotency: the primary key makes a second insert a no-op). */
export function simulatorIdFor(prefix: SimulatorIdPrefix, key: string): string {
  return `${prefix}_${alphanumeric(createHash("sha256").update(key).digest())}`;
}

/** The usage event store's key: Dodo dedupes on event_id, and so does our primary key. */
export const usageEventObjectId = (eventId: string) => `usage_${eventId}`;

/** Dodo's test cards: the hosted checkout's card form and every simulated charge use them. */
const TEST_CARDS = { succeeds: "4242424242424242", declines: "4000000000000002" } as const;

export interface CardChargeInput {
  outcome: "succeeded" | "failed";
  customerId: string;
  amount: number;
  metadata: PaymentMetadata;
  subscriptionId: string | null;
  /** One-time payments only (Dodo leaves it null on subscription payments). */
  productCart: SimulatorCartLine[] | null;
  checkoutSessionId: string | null;
  /** 1+ for a renewal paid after a failed attempt. */
  retryAttempt?: number;
}

/** A new payment record for a charge on the test card that succeeds, or on the one that declines. */
export function cardPayment(input: CardChargeInput, now: Date): SimulatorPayment {
  const failed = input.outcome === "failed";
  return {
    payment_id: simulatorId("pay"),
    customer_id: input.customerId,
    status: input.outcome,
    total_amount: input.amount,
    currency: SIMULATOR_CURRENCY,
    metadata: input.metadata,
    subscription_id: input.subscriptionId,
    product_cart: input.productCart,
    checkout_session_id: input.checkoutSessionId,
    card_last_four: (failed ? TEST_CARDS.declines : TEST_CARDS.succeeds).slice(-4),
    error_code: failed ? "CARD_DECLINED" : null,
    error_message: failed ? "The card was declined." : null,
    retry_attempt: input.retryAttempt ?? 0,
    refunds: [],
    created_at: now.toISOString(),
  };
}

/** How much of a payment has been refunded so far. */
export function refundedAmount(payment: SimulatorPayment): number {
  return payment.refunds.reduce((sum, r) => sum + r.amount, 0);
}

/** A new refund record of `amount` (minor units) of a payment. */
export function paymentRefund(payment: SimulatorPayment, amount: number, now: Date): SimulatorRefund {
  return {
    refund_id: simulatorId("ref"),
    payment_id: payment.payment_id,
    customer_id: payment.customer_id,
    amount,
    currency: payment.currency,
    metadata: payment.metadata,
    is_partial: amount < payment.total_amount,
    created_at: now.toISOString(),
  };
}

const asJson = (data: object) => data as unknown as Prisma.InputJsonObject;

export async function findObject<K extends SimulatorObjectKind>(db: DbTx, kind: K, id: string): Promise<SimulatorObjects[K] | null> {
  const row = await db.paymentSimulatorObject.findFirst({ where: { id, kind }, select: { data: true } });
  return row ? (row.data as unknown as SimulatorObjects[K]) : null;
}

/** Reads an object under a row lock (inside a transaction): concurrent operations on it serialize. */
export async function lockObject<K extends SimulatorObjectKind>(tx: Tx, kind: K, id: string): Promise<SimulatorObjects[K] | null> {
  const [row] = await tx.$queryRaw<{ data: unknown }[]>`SELECT data FROM payment_simulator_objects WHERE id = ${id} AND kind = ${kind} FOR UPDATE`;
  return row ? (row.data as SimulatorObjects[K]) : null;
}

/** Inserts unless the id exists; returns whether it was inserted. */
export async function insertObject<K extends SimulatorObjectKind>(db: DbTx, kind: K, id: string, data: SimulatorObjects[K]): Promise<boolean> {
  const { count } = await db.paymentSimulatorObject.createMany({ data: [{ id, kind, data: asJson(data) }], skipDuplicates: true });
  return count === 1;
}

export async function saveObject<K extends SimulatorObjectKind>(db: DbTx, kind: K, id: string, data: SimulatorObjects[K]): Promise<void> {
  await db.paymentSimulatorObject.update({ where: { id }, data: { data: asJson(data) } });
}

/** Objects of a kind whose JSON field at `path` equals `value`, newest first. */
export async function listObjects<K extends SimulatorObjectKind>(
  db: DbTx,
  kind: K,
  path: string[],
  value: string,
): Promise<SimulatorObjects[K][]> {
  const rows = await db.paymentSimulatorObject.findMany({ where: { kind, data: { path, equals: value } }, select: { data: true } });
  const objects = rows.map((r) => r.data as unknown as SimulatorObjects[K] & { created_at: string });
  // created_at, not the row's: objects written in one transaction share the row timestamp.
  return objects.sort((a, b) => b.created_at.localeCompare(a.created_at));
}
