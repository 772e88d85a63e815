import type { DbTx } from "@/server/db/client";
import { simulatorProduct, type SimulatorProduct } from "./catalog";
import { findObject, listObjects, refundedAmount, type SimulatorPayment, type SimulatorSubscription } from "./objects";
import type { SimulatorContext } from "./context";
import { SimulatorError } from "./errors";
import { refundPayment } from "./refunds";
import { failRenewal, renewNow, setCancelAtPeriodEnd, updateCardAndPay } from "./subscriptions";

// The hosted customer portal: what a customer sees and may do with the link the app got from
// portalLink. The link names the customer, so every operation checks that its subscription or payment
// belongs to that customer.

export interface PortalSubscription {
  subscriptionId: string;
  productId: string;
  /** null: a product the catalogue no longer has. */
  product: SimulatorProduct | null;
  quantity: number;
  status: SimulatorSubscription["status"];
  nextBillingDate: Date;
  cancelAtPeriodEnd: boolean;
}

export interface PortalPayment {
  paymentId: string;
  amount: number;
  currency: string;
  status: SimulatorPayment["status"];
  createdAt: Date;
  refunded: number;
}

export interface PortalView {
  customerId: string;
  email: string;
  name: string;
  subscriptions: PortalSubscription[];
  payments: PortalPayment[];
}

/** What the customer portal page shows; null for an unknown customer. */
export async function getPortalView(db: DbTx, customerId: string): Promise<PortalView | null> {
  const customer = await findObject(db, "customer", customerId);
  if (!customer) return null;
  const [subscriptions, payments] = await Promise.all([
    listObjects(db, "subscription", ["customer_id"], customerId),
    listObjects(db, "payment", ["customer_id"], customerId),
  ]);
  return {
    customerId,
    email: customer.email,
    name: customer.name,
    subscriptions: subscriptions.map((s) => ({
      subscriptionId: s.subscription_id,
      productId: s.product_id,
      product: simulatorProduct(s.product_id),
      quantity: s.quantity,
      status: s.status,
      nextBillingDate: new Date(s.next_billing_date),
      cancelAtPeriodEnd: s.cancel_at_next_billing_date,
    })),
    payments: payments.map((p) => ({
      paymentId: p.payment_id,
      amount: p.total_amount,
      currency: p.currency,
      status: p.status,
      createdAt: new Date(p.created_at),
      refunded: refundedAmount(p),
    })),
  };
}

export const PORTAL_OPERATIONS = ["renew-now", "fail-renewal", "update-card-and-pay", "cancel-at-period-end", "resume", "refund"] as const;
export type PortalOperation = (typeof PORTAL_OPERATIONS)[number];

/**
 * Runs a portal button's operation on the customer's subscription (or, for "refund", payment).
 * An id of another customer is refused as not found, like an unknown one.
 */
export async function runPortalOperation(ctx: SimulatorContext, customerId: string, operation: PortalOperation, targetId: string): Promise<void> {
  if (operation === "refund") {
    const payment = await findObject(ctx.db, "payment", targetId);
    if (payment?.customer_id !== customerId) throw new SimulatorError("not_found", `Customer ${customerId} has no payment ${targetId}`);
    await refundPayment(ctx, targetId);
    return;
  }
  const subscription = await findObject(ctx.db, "subscription", targetId);
  if (subscription?.customer_id !== customerId) throw new SimulatorError("not_found", `Customer ${customerId} has no subscription ${targetId}`);
  switch (operation) {
    case "renew-now":
      await renewNow(ctx, targetId);
      return;
    case "fail-renewal":
      await failRenewal(ctx, targetId);
      return;
    case "update-card-and-pay":
      await updateCardAndPay(ctx, targetId);
      return;
    case "cancel-at-period-end":
    case "resume":
      await setCancelAtPeriodEnd(ctx, targetId, operation === "cancel-at-period-end");
      return;
  }
}

/**
 * The portal's "Back to the app" target: the return_url from the link when it points at the app
 * itself (the query string is anyone's to edit: never an open redirect), else null.
 */
export function sameOriginReturnUrl(returnUrl: string | undefined, appUrl: string): string | null {
  if (!returnUrl) return null;
  try {
    const url = new URL(returnUrl);
    return url.origin === new URL(appUrl).origin ? url.toString() : null;
  } catch {
    return null;
  }
}
