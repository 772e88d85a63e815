import { env, playgroundEnabled } from "@/env";
import { prisma } from "@/server/db/client";
import { createDodoPaymentProvider } from "./dodo";
import { parseDodoWebhook } from "./dodo-webhooks";
import { createSimulatorPaymentProvider } from "./simulator/provider";
import { PaymentProviderError, type PaymentProvider } from "./types";
import { resolveWebhookSecret } from "./webhook-secret";

export * from "./types";

/**
 * The local simulator takes payments that are not real, so it only runs where that is harmless:
 * without a Dodo API key, in development or a playground build. A production build without keys has
 * no payments provider (checkout answers with a clear error) rather than free plans for everyone.
 */
export const paymentSimulatorEnabled = !env.DODO_PAYMENTS_API_KEY && playgroundEnabled;

const notConfigured = (): never => {
  throw new PaymentProviderError("Payments are not configured: set DODO_PAYMENTS_API_KEY (see README, Billing)", {
    retryable: false,
    provider: "dodo",
  });
};
const webhookSecret = () => resolveWebhookSecret(env);

const unavailable: PaymentProvider = {
  name: "dodo",
  parseWebhook: (rawBody, headers) => parseDodoWebhook(rawBody, headers, webhookSecret()),
  createCheckout: notConfigured,
  createCustomer: notConfigured,
  portalLink: notConfigured,
  changePlan: notConfigured,
  cancelAtPeriodEnd: notConfigured,
  reportUsage: notConfigured,
};

/** Dodo Payments when DODO_PAYMENTS_API_KEY is set, else the local simulator (dev / playground). */
export const paymentProvider: PaymentProvider = env.DODO_PAYMENTS_API_KEY
  ? createDodoPaymentProvider({
      apiKey: env.DODO_PAYMENTS_API_KEY,
      environment: env.DODO_PAYMENTS_ENVIRONMENT,
      baseURL: env.DODO_PAYMENTS_BASE_URL,
      webhookSecret,
    })
  : paymentSimulatorEnabled
    ? createSimulatorPaymentProvider({ db: prisma, appUrl: env.APP_URL, webhookSecret })
    : unavailable;
