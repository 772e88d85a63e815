import type { Db } from "@/server/db/client";
import { createCheckoutSession } from "./checkout";
import { createCustomerRecord, requireCustomer, type SimulatorContext } from "./context";
import { SimulatorError, simulatorErrorStatus } from "./errors";
import { changePlan, setCancelAtPeriodEnd } from "./subscriptions";
import { ingestUsageEvents } from "./usage";
import { parseDodoWebhook } from "../dodo-webhooks";
import { PaymentProviderError, type PaymentProvider } from "../types";
import { simulatorIdFor } from "./objects";

export interface SimulatorPaymentProviderOptions {
  db: Db;
  /** The app's base URL: checkout and portal pages live there, webhooks are sent to its /api/webhooks/dodo. */
  appUrl: string;
  /** The secret it signs its deliveries with and the app verifies them with (Dodo's scheme). */
  webhookSecret?: () => string;
}

const PROVIDER = "simulator" as const;

/** A refusal as the Dodo adapter reports one: non-retryable, with the status Dodo would answer. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof SimulatorError) {
      throw new PaymentProviderError(error.message, { retryable: false, status: simulatorErrorStatus(error.code), provider: PROVIDER, cause: error });
    }
    throw error;
  }
}

/** The customer portal, with the app's return URL as Dodo's portal link carries it. */
function portalUrl(appUrl: string, customerId: string, returnUrl: string): string {
  const url = new URL(`/simulator/portal/${encodeURIComponent(customerId)}`, appUrl);
  url.searchParams.set("return_url", returnUrl);
  return url.toString();
}

/**
 * The local payment simulator: a stand-in for Dodo Payments with a hosted checkout and customer portal
 * under /simulator, records in payment_simulator_objects and Dodo-shaped, Standard Webhooks-signed
 * webhooks delivered to the app's own /api/webhooks/dodo by a job (this folder).
 */
export function createSimulatorPaymentProvider(opts: SimulatorPaymentProviderOptions): PaymentProvider {
  const ctx: SimulatorContext = { db: opts.db, appUrl: opts.appUrl };
  return {
    name: PROVIDER,
    // It sends Dodo's webhooks, signed like Dodo's: they parse the same way.
    parseWebhook: (rawBody, headers) => parseDodoWebhook(rawBody, headers, opts.webhookSecret?.() ?? ""),
    createCheckout: (input) => call(() => createCheckoutSession(ctx, input)),
    createCustomer: (input) =>
      call(async () => {
        // As Dodo's adapter promises for a key: the same key, the same customer (here: the same id).
        const id = input.idempotencyKey ? simulatorIdFor("cus", input.idempotencyKey) : undefined;
        const customer = await createCustomerRecord(opts.db, input, new Date(), id);
        return { customerId: customer.customer_id };
      }),
    portalLink: (customerId, returnUrl) =>
      call(async () => {
        await requireCustomer(opts.db, customerId);
        return { url: portalUrl(opts.appUrl, customerId, returnUrl) };
      }),
    changePlan: (subscriptionId, input) => call(async () => void (await changePlan(ctx, subscriptionId, input))),
    cancelAtPeriodEnd: (subscriptionId) => call(async () => void (await setCancelAtPeriodEnd(ctx, subscriptionId, true))),
    reportUsage: (events) => call(() => ingestUsageEvents(opts.db, events)),
  };
}
