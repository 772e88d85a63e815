import type { DbTx } from "@/server/db/client";
import { simulatorProduct } from "@/server/providers/payments/simulator/catalog";
import { findObject, listObjects, type SimulatorPayment, type SimulatorSubscription } from "@/server/providers/payments/simulator/objects";

export interface PortalSubscription {
  subscriptionId: string;
  productName: string;
  interval: "monthly" | "yearly" | null;
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
    subscriptions: subscriptions.map((s) => {
      const product = simulatorProduct(s.product_id);
      return {
        subscriptionId: s.subscription_id,
        productName: product?.name ?? s.product_id,
        interval: product?.kind === "plan" ? product.interval : null,
        quantity: s.quantity,
        status: s.status,
        nextBillingDate: new Date(s.next_billing_date),
        cancelAtPeriodEnd: s.cancel_at_next_billing_date,
      };
    }),
    payments: payments.map((p) => ({
      paymentId: p.payment_id,
      amount: p.total_amount,
      currency: p.currency,
      status: p.status,
      createdAt: new Date(p.created_at),
      refunded: p.refunds.reduce((sum, r) => sum + r.amount, 0),
    })),
  };
}
