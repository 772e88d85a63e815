import { isDeepStrictEqual } from "node:util";
import type { DbTx } from "@/server/db/client";
import { addBillingPeriod, simulatorProduct, type SimulatorProduct } from "./catalog";
import {
  findObject,
  insertObject,
  lockObject,
  saveObject,
  simulatorId,
  simulatorIdFor,
  type SimulatorCheckoutSession,
  type SimulatorSubscription,
} from "./objects";
import type { CreateCheckoutInput } from "../types";
import { assertEmail, chargeCard, createCustomerRecord, requireCustomer, simulatorStep, type SimulatorContext } from "./context";
import { SimulatorError } from "./errors";
import { DAY_MS } from "@/lib/time";

/** Dodo's checkout sessions expire after 24 hours. */
const CHECKOUT_SESSION_TTL_MS = DAY_MS;
/** Dodo's upper bound for subscription_data.trial_period_days. */
const MAX_TRIAL_DAYS = 10_000;

function checkoutUrl(appUrl: string, sessionId: string): string {
  return new URL(`/simulator/checkout/${encodeURIComponent(sessionId)}`, appUrl).toString();
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function invalid(message: string): SimulatorError {
  return new SimulatorError("invalid_input", message);
}

/** Refuses a product Dodo does not have, or one of the wrong kind for the checkout. */
function assertCheckoutProduct(input: CreateCheckoutInput): void {
  const product = simulatorProduct(input.productId);
  if (!product) throw new SimulatorError("not_found", `Product ${input.productId} does not exist in the payment simulator's catalogue`);
  if (input.kind === "subscription" && product.kind !== "plan") throw invalid(`Product ${input.productId} is not a subscription plan`);
  if (input.kind === "topup" && product.kind !== "credit-pack") throw invalid(`Product ${input.productId} is not a one-time credit pack`);
}

function validateCheckout(input: CreateCheckoutInput): void {
  if (!Number.isInteger(input.quantity) || input.quantity < 1) throw invalid(`Quantity must be a positive integer, got ${input.quantity}`);
  if (!isHttpUrl(input.returnUrl)) throw invalid(`return_url must be an absolute http(s) URL, got ${JSON.stringify(input.returnUrl)}`);
  if (input.trialPeriodDays !== undefined) {
    if (input.kind !== "subscription") throw invalid("Trial days are only possible for a subscription");
    if (!Number.isInteger(input.trialPeriodDays) || input.trialPeriodDays < 0 || input.trialPeriodDays > MAX_TRIAL_DAYS) {
      throw invalid(`trial_period_days must be a whole number from 0 to ${MAX_TRIAL_DAYS}, got ${input.trialPeriodDays}`);
    }
  }
  if (!("customerId" in input.customer)) assertEmail(input.customer.email);
}

/**
 * A hosted checkout session. The same idempotencyKey gives the same session (its id derives from the
 * key, so two concurrent calls meet at the primary key); reusing a key for a different checkout is refused.
 */
export async function createCheckoutSession(ctx: SimulatorContext, input: CreateCheckoutInput): Promise<{ sessionId: string; checkoutUrl: string }> {
  validateCheckout(input);
  assertCheckoutProduct(input);
  if ("customerId" in input.customer) await requireCustomer(ctx.db, input.customer.customerId);
  const now = ctx.now ?? new Date();
  const sessionId = input.idempotencyKey ? simulatorIdFor("cks", input.idempotencyKey) : simulatorId("cks");
  const session: SimulatorCheckoutSession = {
    session_id: sessionId,
    kind: input.kind,
    product_cart: [{ product_id: input.productId, quantity: input.quantity }],
    customer: "customerId" in input.customer ? { customer_id: input.customer.customerId } : { email: input.customer.email, ...(input.customer.name ? { name: input.customer.name } : {}) },
    return_url: input.returnUrl,
    metadata: input.metadata,
    trial_period_days: input.trialPeriodDays ?? null,
    idempotency_key: input.idempotencyKey ?? null,
    created_at: now.toISOString(),
    status: "open",
    completed_at: null,
    payment_id: null,
    subscription_id: null,
  };
  if (!(await insertObject(ctx.db, "checkout_session", sessionId, session))) {
    const existing = await findObject(ctx.db, "checkout_session", sessionId);
    const same = (s: SimulatorCheckoutSession) => [s.kind, s.product_cart, s.return_url, s.metadata, s.trial_period_days];
    // The customer is left out: a paid session swapped the email for the customer it created.
    if (!existing || !isDeepStrictEqual(same(existing), same(session))) {
      throw invalid(`Idempotency key ${input.idempotencyKey} was already used for a different checkout`);
    }
  }
  return { sessionId, checkoutUrl: checkoutUrl(ctx.appUrl, sessionId) };
}

export type CheckoutSessionState = "open" | "completed" | "expired";

export function checkoutSessionState(session: SimulatorCheckoutSession, now: Date): CheckoutSessionState {
  if (session.status === "completed") return "completed";
  return now.getTime() - Date.parse(session.created_at) >= CHECKOUT_SESSION_TTL_MS ? "expired" : "open";
}

export interface CheckoutView {
  sessionId: string;
  state: CheckoutSessionState;
  product: SimulatorProduct;
  quantity: number;
  total: number;
  trialPeriodDays: number | null;
  /** Shown on the card form: the customer's email when the app gave one. */
  email: string | null;
}

/** What the hosted checkout page shows; null for an unknown session. */
export async function getCheckoutView(db: DbTx, sessionId: string, now: Date = new Date()): Promise<CheckoutView | null> {
  const session = await findObject(db, "checkout_session", sessionId);
  if (!session) return null;
  const line = session.product_cart[0]!;
  const product = simulatorProduct(line.product_id);
  if (!product) return null;
  const email = "email" in session.customer ? session.customer.email : ((await findObject(db, "customer", session.customer.customer_id))?.email ?? null);
  return {
    sessionId,
    state: checkoutSessionState(session, now),
    product,
    quantity: line.quantity,
    total: product.unitAmount * line.quantity,
    trialPeriodDays: session.trial_period_days,
    email,
  };
}

/** The session's return_url with Dodo-style result parameters. */
export function checkoutReturnUrl(returnUrl: string, result: "succeeded" | "failed", sessionId: string): string {
  const url = new URL(returnUrl);
  url.searchParams.set("checkout", result);
  url.searchParams.set("session_id", sessionId);
  return url.toString();
}

export interface CompleteCheckoutResult {
  result: "succeeded" | "failed";
  paymentId: string;
  subscriptionId: string | null;
  customerId: string;
  /** Where the hosted page sends the customer: the session's return_url with ?checkout=…&session_id=…. */
  redirectUrl: string;
}

/**
 * The customer pays (test card 4242…) or the card is declined (4000…0002). Paying a subscription
 * creates an active subscription (payment.succeeded with subscription_id, then subscription.active);
 * paying a credit pack sends payment.succeeded with the product_cart and no subscription. A decline
 * sends payment.failed and leaves the session open for another card, as Dodo's checkout does. The
 * customer is created on the first attempt when the app gave only an email.
 */
export async function completeCheckout(ctx: SimulatorContext, sessionId: string, outcome: "pay" | "decline"): Promise<CompleteCheckoutResult> {
  return simulatorStep(ctx, async ({ tx, now, emit }) => {
    const session = await lockObject(tx, "checkout_session", sessionId);
    if (!session) throw new SimulatorError("not_found", `Checkout session ${sessionId} does not exist`);
    const state = checkoutSessionState(session, now);
    if (state === "completed") throw new SimulatorError("session_completed", `Checkout session ${sessionId} has already been paid`);
    if (state === "expired") throw new SimulatorError("session_expired", `Checkout session ${sessionId} has expired (sessions last 24 hours)`);

    const line = session.product_cart[0]!;
    const product = simulatorProduct(line.product_id);
    if (!product) throw new SimulatorError("not_found", `Product ${line.product_id} is no longer in the catalogue`);
    const customer =
      "customer_id" in session.customer
        ? await requireCustomer(tx, session.customer.customer_id)
        : await createCustomerRecord(tx, { email: session.customer.email, name: session.customer.name ?? session.customer.email.split("@")[0]!, metadata: {} }, now);
    session.customer = { customer_id: customer.customer_id };

    const trialDays = session.trial_period_days ?? 0;
    // A trial charges nothing now; the first real charge is the renewal at the trial's end.
    const amount = product.kind === "plan" && trialDays > 0 ? 0 : product.unitAmount * line.quantity;
    const charge = (outcome: "succeeded" | "failed", subscriptionId: string | null) =>
      chargeCard(
        tx,
        {
          outcome,
          customerId: customer.customer_id,
          amount,
          metadata: session.metadata,
          subscriptionId,
          productCart: product.kind === "credit-pack" ? session.product_cart : null,
          checkoutSessionId: sessionId,
        },
        now,
      );

    if (outcome === "decline") {
      const payment = await charge("failed", null);
      await saveObject(tx, "checkout_session", sessionId, session);
      await emit("payment.failed", payment.payment_id);
      return checkoutResult(session, "failed", payment.payment_id, null, customer.customer_id);
    }

    let subscriptionId: string | null = null;
    if (product.kind === "plan") {
      const subscription: SimulatorSubscription = {
        subscription_id: simulatorId("sub"),
        customer_id: customer.customer_id,
        product_id: line.product_id,
        quantity: line.quantity,
        status: "active",
        metadata: session.metadata,
        created_at: now.toISOString(),
        previous_billing_date: now.toISOString(),
        next_billing_date: (trialDays > 0 ? new Date(now.getTime() + trialDays * DAY_MS) : addBillingPeriod(now, product.interval)).toISOString(),
        cancel_at_next_billing_date: false,
        cancelled_at: null,
        trial_period_days: trialDays,
        checkout_session_id: sessionId,
      };
      await insertObject(tx, "subscription", subscription.subscription_id, subscription);
      subscriptionId = subscription.subscription_id;
    }
    const payment = await charge("succeeded", subscriptionId);
    Object.assign(session, { status: "completed", completed_at: now.toISOString(), payment_id: payment.payment_id, subscription_id: subscriptionId });
    await saveObject(tx, "checkout_session", sessionId, session);
    await emit("payment.succeeded", payment.payment_id);
    if (subscriptionId) await emit("subscription.active", subscriptionId);
    return checkoutResult(session, "succeeded", payment.payment_id, subscriptionId, customer.customer_id);
  });
}

function checkoutResult(
  session: SimulatorCheckoutSession,
  outcome: "succeeded" | "failed",
  paymentId: string,
  subscriptionId: string | null,
  customerId: string,
): CompleteCheckoutResult {
  return { result: outcome, paymentId, subscriptionId, customerId, redirectUrl: checkoutReturnUrl(session.return_url, outcome, session.session_id) };
}
