import DodoPayments, { APIConnectionError, APIError, APIUserAbortError } from "dodopayments";

import { parseDodoWebhook } from "./dodo-webhooks";
import {
  CUSTOMER_KEY_METADATA,
  PaymentProviderError,
  prepareUsageBatches,
  type ChangePlanInput,
  type CreateCheckoutInput,
  type CreateCustomerInput,
  type PaymentProvider,
  type UsageEvent,
} from "./types";

export type DodoEnvironment = "test_mode" | "live_mode";

export interface DodoPaymentProviderOptions {
  /** DODO_PAYMENTS_API_KEY. */
  apiKey: string;
  /**
   * Required on purpose: the SDK itself defaults to live_mode. Ignored for the host when `baseURL` is set
   * (the SDK refuses both at once), but still validated.
   */
  environment: DodoEnvironment;
  /** Another API host (tests: a local fake server). */
  baseURL?: string;
  /** SDK retries on 408/409/429/5xx and connection errors, with backoff from 0.5 s. SDK default: 2. */
  maxRetries?: number;
  /** Per-attempt timeout. SDK default: 60 s; ours: 20 s. */
  timeoutMs?: number;
  /** The Standard Webhooks secret deliveries are verified with; read on first delivery (./webhook-secret.ts). */
  webhookSecret?: () => string;
}

const PROVIDER = "dodo" as const;
/**
 * One page of the customers with an email is searched for a keyed customer: an email has a handful of
 * customers (one per workspace it pays for), and the SDK's page numbering is not relied on.
 */
const CUSTOMER_LOOKUP_PAGE_SIZE = 100;

/**
 * The Dodo Payments implementation of PaymentProvider on the official `dodopayments` SDK. The client is
 * built on first use, so constructing the provider never throws for a missing key at import time, and it
 * never reads DODO_PAYMENTS_* from the environment itself (configuration comes in as arguments).
 */
export function createDodoPaymentProvider(opts: DodoPaymentProviderOptions): PaymentProvider {
  if (opts.environment !== "test_mode" && opts.environment !== "live_mode") {
    throw new Error(`Dodo Payments environment must be "test_mode" or "live_mode", got ${JSON.stringify(opts.environment)}`);
  }
  let client: DodoPayments | undefined;
  const dodo = (): DodoPayments => {
    if (client) return client;
    if (!opts.apiKey) {
      throw new PaymentProviderError("Dodo Payments API key is not configured (DODO_PAYMENTS_API_KEY)", {
        retryable: false,
        provider: PROVIDER,
      });
    }
    client = new DodoPayments({
      bearerToken: opts.apiKey,
      // Explicit null / values so the SDK does not pick up DODO_PAYMENTS_WEBHOOK_KEY / DODO_PAYMENTS_BASE_URL
      // on its own. The SDK throws "Ambiguous URL" when both baseURL and environment are given.
      webhookKey: null,
      ...(opts.baseURL ? { baseURL: opts.baseURL } : { baseURL: null, environment: opts.environment }),
      maxRetries: opts.maxRetries ?? 2,
      timeout: opts.timeoutMs ?? 20_000,
    });
    return client;
  };

  async function call<T>(what: string, fn: (c: DodoPayments) => Promise<T>): Promise<T> {
    let c: DodoPayments;
    try {
      c = dodo();
    } catch (error) {
      if (error instanceof PaymentProviderError) throw error;
      throw new PaymentProviderError(`Dodo Payments client could not be created: ${(error as Error).message}`, {
        retryable: false,
        provider: PROVIDER,
        cause: error,
      });
    }
    try {
      return await fn(c);
    } catch (error) {
      throw toPaymentProviderError(what, error);
    }
  }

  return {
    name: PROVIDER,

    parseWebhook: (rawBody, headers) => parseDodoWebhook(rawBody, headers, opts.webhookSecret?.() ?? ""),

    async createCheckout(input: CreateCheckoutInput) {
      assertQuantity(input.quantity);
      const session = await call("checkout session", (c) =>
        c.checkoutSessions.create({
          product_cart: [{ product_id: input.productId, quantity: input.quantity }],
          customer:
            "customerId" in input.customer
              ? { customer_id: input.customer.customerId }
              : { email: input.customer.email, ...(input.customer.name ? { name: input.customer.name } : {}) },
          return_url: input.returnUrl,
          metadata: input.metadata,
          ...(input.kind === "subscription" && input.trialPeriodDays !== undefined
            ? { subscription_data: { trial_period_days: input.trialPeriodDays } }
            : {}),
        }),
      );
      // checkout_url is optional in the SDK type (absent only with payment_method_id, which we never send).
      if (!session.checkout_url) {
        throw new PaymentProviderError(`Dodo Payments returned checkout session ${session.session_id} without a checkout URL`, {
          retryable: false,
          provider: PROVIDER,
        });
      }
      return { sessionId: session.session_id, checkoutUrl: session.checkout_url };
    },

    async createCustomer(input: CreateCustomerInput) {
      // Dodo has no idempotency for customers: a keyed customer carries its key in the metadata, and a
      // repeated key (the caller resuming a call whose answer it lost) finds that customer by email.
      const key = input.idempotencyKey;
      if (key) {
        const page = await call("customer lookup", (c) => c.customers.list({ email: input.email, page_size: CUSTOMER_LOOKUP_PAGE_SIZE }));
        const earlier = page.items.find((customer) => customer.metadata?.[CUSTOMER_KEY_METADATA] === key);
        if (earlier) return { customerId: earlier.customer_id };
      }
      const customer = await call("customer", (c) =>
        c.customers.create({
          email: input.email,
          name: input.name,
          metadata: key ? { ...input.metadata, [CUSTOMER_KEY_METADATA]: key } : input.metadata,
        }),
      );
      return { customerId: customer.customer_id };
    },

    async portalLink(customerId: string, returnUrl: string) {
      // The SDK sends return_url as a query parameter (POST /customers/{id}/customer-portal/session?return_url=...).
      const session = await call("customer portal session", (c) =>
        c.customers.customerPortal.create(customerId, { return_url: returnUrl }),
      );
      return { url: session.link };
    },

    async changePlan(subscriptionId: string, input: ChangePlanInput) {
      assertQuantity(input.quantity);
      await call("plan change", (c) =>
        c.subscriptions.changePlan(subscriptionId, {
          product_id: input.productId,
          quantity: input.quantity,
          proration_billing_mode: input.proration,
        }),
      );
    },

    async cancelAtPeriodEnd(subscriptionId: string) {
      await call("cancel at period end", (c) =>
        c.subscriptions.update(subscriptionId, { cancel_at_next_billing_date: true }),
      );
    },

    async reportUsage(events: UsageEvent[]) {
      // Validates all timestamps before the first request: nothing is half-sent because of a bad event.
      const batches = prepareUsageBatches(events, PROVIDER);
      let ingested = 0;
      for (const batch of batches) {
        const res = await call("usage ingest", (c) =>
          c.usageEvents.ingest({
            events: batch.map((e) => ({
              event_id: e.eventId,
              customer_id: e.customerId,
              event_name: e.eventName,
              timestamp: e.timestamp.toISOString(),
              ...(e.metadata ? { metadata: e.metadata } : {}),
            })),
          }),
        );
        ingested += res.ingested_count;
      }
      return { ingested };
    },
  };
}

function assertQuantity(quantity: number) {
  if (!Number.isInteger(quantity) || quantity < 1) {
    throw new PaymentProviderError(`Quantity must be a positive integer, got ${quantity}`, { retryable: false, provider: PROVIDER });
  }
}

/**
 * SDK errors -> PaymentProviderError. By the time this runs the SDK has already done its own retries
 * (maxRetries): "retryable" tells the caller (a job) that trying again later may help.
 */
export function toPaymentProviderError(what: string, error: unknown): PaymentProviderError {
  if (error instanceof PaymentProviderError) return error;
  // APIConnectionTimeoutError extends APIConnectionError; APIUserAbortError and APIConnectionError extend
  // APIError with status undefined, so check them first.
  if (error instanceof APIUserAbortError) {
    return new PaymentProviderError(`Dodo Payments ${what} request was aborted`, { retryable: false, provider: PROVIDER, cause: error });
  }
  if (error instanceof APIConnectionError) {
    return new PaymentProviderError(`Dodo Payments could not be reached (${what}): ${error.message}`, {
      retryable: true,
      provider: PROVIDER,
      cause: error,
    });
  }
  if (error instanceof APIError && typeof error.status === "number") {
    const status = error.status;
    const retryable = status >= 500 || status === 429 || status === 408;
    return new PaymentProviderError(`Dodo Payments ${what} failed: ${error.message}`, {
      retryable,
      status,
      provider: PROVIDER,
      cause: error,
    });
  }
  return new PaymentProviderError(`Dodo Payments ${what} failed: ${error instanceof Error ? error.message : String(error)}`, {
    retryable: false,
    provider: PROVIDER,
    cause: error,
  });
}
