import type { Db, DbTx } from "@/server/db/client";
import { inTransaction, type Tx } from "@/server/db/transaction";
import {
  cardPayment,
  findObject,
  insertObject,
  simulatorId,
  type CardChargeInput,
  type SimulatorCustomer,
  type SimulatorPayment,
} from "./objects";
import type { SimulatorEventType } from "./payloads";
import type { PaymentMetadata } from "../types";
import { queueSimulatorEvent } from "./deliver";
import { SimulatorError } from "./errors";

export interface SimulatorContext {
  db: Db;
  /** The app's base URL: checkout and portal links point there, webhooks go to its /api/webhooks/dodo. */
  appUrl: string;
  /** The simulator's clock; default the real time. */
  now?: Date;
  /** Holds every webhook back this long (a slow provider). */
  deliveryDelayMs?: number;
}

export interface SimulatorStep {
  tx: Tx;
  now: Date;
  /** Queues a webhook about `objectId` in this transaction: it is sent exactly when the change commits. */
  emit(type: SimulatorEventType, objectId: string): Promise<void>;
}

/** Runs one simulator operation: its record changes and the webhooks it sends commit together. */
export function simulatorStep<T>(ctx: SimulatorContext, fn: (step: SimulatorStep) => Promise<T>): Promise<T> {
  const now = ctx.now ?? new Date();
  return inTransaction(ctx.db, (tx) =>
    fn({
      tx,
      now,
      emit: async (type, objectId) => {
        await queueSimulatorEvent(tx, { type, objectId, at: now, appUrl: ctx.appUrl, delayMs: ctx.deliveryDelayMs });
      },
    }),
  );
}

export async function requireCustomer(db: DbTx, customerId: string): Promise<SimulatorCustomer> {
  const customer = await findObject(db, "customer", customerId);
  if (!customer) throw new SimulatorError("not_found", `Customer ${customerId} does not exist in the payment simulator`);
  return customer;
}

/** Dodo refuses a customer without a plausible email address. */
export function assertEmail(email: string): void {
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new SimulatorError("invalid_input", `Customer email ${JSON.stringify(email)} is not an email address`);
}

export async function createCustomerRecord(
  db: DbTx,
  input: { email: string; name: string; metadata: PaymentMetadata },
  now: Date,
  /** A given id (derived from an idempotency key): the customer already stored under it is returned. */
  id: string = simulatorId("cus"),
): Promise<SimulatorCustomer> {
  assertEmail(input.email);
  const customer: SimulatorCustomer = {
    customer_id: id,
    email: input.email,
    name: input.name,
    metadata: input.metadata,
    created_at: now.toISOString(),
  };
  if (await insertObject(db, "customer", customer.customer_id, customer)) return customer;
  return requireCustomer(db, id);
}

/** A charge of `amount` on the test card that succeeds or the one that declines, stored as a payment. */
export async function chargeCard(db: DbTx, input: CardChargeInput, now: Date): Promise<SimulatorPayment> {
  const payment = cardPayment(input, now);
  await insertObject(db, "payment", payment.payment_id, payment);
  return payment;
}
