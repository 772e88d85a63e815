import type { Tx } from "@/server/db/transaction";
import { addBillingPeriod, simulatorProduct, type SimulatorProduct } from "./catalog";
import { lockObject, saveObject, type SimulatorSubscription } from "./objects";
import type { ChangePlanInput } from "../types";
import { chargeCard, simulatorStep, type SimulatorContext, type SimulatorStep } from "./context";
import { SimulatorError } from "./errors";

// What happens to a subscription over its life on Dodo, as operations the portal page and the
// provider call: renewals that succeed or fail, recovery with a new card, cancelling at period end
// and plan changes. Each one changes the record and queues the webhooks Dodo sends in one transaction.

type PlanProduct = Extract<SimulatorProduct, { kind: "plan" }>;

function planOf(productId: string): PlanProduct {
  const product = simulatorProduct(productId);
  if (product?.kind !== "plan") throw new SimulatorError("not_found", `Product ${productId} is not a subscription plan in the catalogue`);
  return product;
}

async function lockSubscription(tx: Tx, subscriptionId: string): Promise<SimulatorSubscription> {
  const subscription = await lockObject(tx, "subscription", subscriptionId);
  if (!subscription) throw new SimulatorError("not_found", `Subscription ${subscriptionId} does not exist in the payment simulator`);
  return subscription;
}

function requireStatus(subscription: SimulatorSubscription, allowed: readonly SimulatorSubscription["status"][], action: string): void {
  if (!allowed.includes(subscription.status)) {
    throw new SimulatorError("invalid_state", `Cannot ${action}: subscription ${subscription.subscription_id} is ${subscription.status} (needs ${allowed.join(" or ")})`);
  }
}

/** One locked subscription changed in one step; `change` mutates it and emits, the result is saved. */
function withSubscription<T>(
  ctx: SimulatorContext,
  subscriptionId: string,
  change: (subscription: SimulatorSubscription, step: SimulatorStep) => Promise<T>,
): Promise<T> {
  return simulatorStep(ctx, async (step) => {
    const subscription = await lockSubscription(step.tx, subscriptionId);
    const out = await change(subscription, step);
    await saveObject(step.tx, "subscription", subscriptionId, subscription);
    return out;
  });
}

const periodCharge = (subscription: SimulatorSubscription) => planOf(subscription.product_id).unitAmount * subscription.quantity;

/** The billing date came and the card paid: the period moves on one interval. */
function startNextPeriod(subscription: SimulatorSubscription): void {
  const { interval } = planOf(subscription.product_id);
  subscription.previous_billing_date = subscription.next_billing_date;
  subscription.next_billing_date = addBillingPeriod(new Date(subscription.next_billing_date), interval).toISOString();
  subscription.status = "active";
}

async function chargeSubscription(
  step: SimulatorStep,
  subscription: SimulatorSubscription,
  outcome: "succeeded" | "failed",
  amount: number,
  retryAttempt = 0,
) {
  return chargeCard(
    step.tx,
    {
      outcome,
      customerId: subscription.customer_id,
      amount,
      metadata: subscription.metadata,
      subscriptionId: subscription.subscription_id,
      productCart: null,
      checkoutSessionId: null,
      retryAttempt,
    },
    step.now,
  );
}

/** The renewal is charged now and succeeds: payment.succeeded + subscription.renewed. */
export function renewNow(ctx: SimulatorContext, subscriptionId: string): Promise<{ paymentId: string }> {
  return withSubscription(ctx, subscriptionId, async (subscription, step) => {
    requireStatus(subscription, ["active"], "renew");
    if (subscription.cancel_at_next_billing_date) {
      throw new SimulatorError("invalid_state", `Cannot renew: subscription ${subscriptionId} is set to cancel at the end of the period (resume it first)`);
    }
    const payment = await chargeSubscription(step, subscription, "succeeded", periodCharge(subscription));
    startNextPeriod(subscription);
    await step.emit("payment.succeeded", payment.payment_id);
    await step.emit("subscription.renewed", subscriptionId);
    return { paymentId: payment.payment_id };
  });
}

/** The renewal is charged and the card declines: payment.failed + subscription.past_due. */
export function failRenewal(ctx: SimulatorContext, subscriptionId: string): Promise<{ paymentId: string }> {
  return withSubscription(ctx, subscriptionId, async (subscription, step) => {
    requireStatus(subscription, ["active"], "fail the renewal");
    const payment = await chargeSubscription(step, subscription, "failed", periodCharge(subscription));
    subscription.status = "past_due";
    await step.emit("payment.failed", payment.payment_id);
    await step.emit("subscription.past_due", subscriptionId);
    return { paymentId: payment.payment_id };
  });
}

/** The customer updates the card and the overdue renewal is paid: payment.succeeded + subscription.active. */
export function updateCardAndPay(ctx: SimulatorContext, subscriptionId: string): Promise<{ paymentId: string }> {
  return withSubscription(ctx, subscriptionId, async (subscription, step) => {
    requireStatus(subscription, ["past_due"], "pay with a new card");
    const payment = await chargeSubscription(step, subscription, "succeeded", periodCharge(subscription), 1);
    startNextPeriod(subscription);
    await step.emit("payment.succeeded", payment.payment_id);
    await step.emit("subscription.active", subscriptionId);
    return { paymentId: payment.payment_id };
  });
}

/**
 * Dodo's `subscriptions.update(id, { cancel_at_next_billing_date })`: true cancels at period end, false
 * resumes. Sends subscription.updated; setting the value it already has changes nothing and sends nothing.
 */
export function setCancelAtPeriodEnd(ctx: SimulatorContext, subscriptionId: string, cancel: boolean): Promise<{ changed: boolean }> {
  return withSubscription(ctx, subscriptionId, async (subscription, step) => {
    requireStatus(subscription, ["active", "past_due"], cancel ? "cancel at period end" : "resume");
    if (subscription.cancel_at_next_billing_date === cancel) return { changed: false };
    subscription.cancel_at_next_billing_date = cancel;
    await step.emit("subscription.updated", subscriptionId);
    return { changed: true };
  });
}

/**
 * What a plan change costs now (minor units), per Dodo's proration modes: the price difference for
 * the unused part of the period, the full new price, the whole difference, or nothing. A cheaper plan
 * costs nothing now (Dodo credits the difference to later invoices).
 */
export function planChangeCharge(
  input: { oldTotal: number; newTotal: number; proration: ChangePlanInput["proration"] },
  period: { start: Date; end: Date },
  now: Date,
): number {
  const difference = input.newTotal - input.oldTotal;
  switch (input.proration) {
    case "do_not_bill":
      return 0;
    case "full_immediately":
      return input.newTotal;
    case "difference_immediately":
      return Math.max(0, difference);
    case "prorated_immediately": {
      const length = period.end.getTime() - period.start.getTime();
      const unused = length > 0 ? Math.min(1, Math.max(0, (period.end.getTime() - now.getTime()) / length)) : 0;
      return Math.max(0, Math.round(difference * unused));
    }
  }
}

/**
 * Another plan or quantity: subscription.plan_changed, and payment.succeeded for what the proration
 * mode charges now (none for do_not_bill, or when nothing is due).
 */
export function changePlan(ctx: SimulatorContext, subscriptionId: string, input: ChangePlanInput): Promise<{ paymentId: string | null }> {
  if (!Number.isInteger(input.quantity) || input.quantity < 1) {
    return Promise.reject(new SimulatorError("invalid_input", `Quantity must be a positive integer, got ${input.quantity}`));
  }
  return withSubscription(ctx, subscriptionId, async (subscription, step) => {
    requireStatus(subscription, ["active"], "change the plan");
    const next = planOf(input.productId);
    const amount = planChangeCharge(
      { oldTotal: periodCharge(subscription), newTotal: next.unitAmount * input.quantity, proration: input.proration },
      { start: new Date(subscription.previous_billing_date), end: new Date(subscription.next_billing_date) },
      step.now,
    );
    subscription.product_id = input.productId;
    subscription.quantity = input.quantity;
    await step.emit("subscription.plan_changed", subscriptionId);
    if (amount === 0) return { paymentId: null };
    const payment = await chargeSubscription(step, subscription, "succeeded", amount);
    await step.emit("payment.succeeded", payment.payment_id);
    return { paymentId: payment.payment_id };
  });
}
