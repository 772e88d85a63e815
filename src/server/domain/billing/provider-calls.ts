import { env } from "@/env";
import { localePath, type Locale } from "@/i18n/routing";
import { AppError } from "@/server/domain/errors";
import { PaymentProviderError } from "@/server/providers/payments/types";

// What every billing action that talks to the payment provider shares: the error the user sees when the
// provider fails, the per-tenant lock, the product ids it sends and the page the provider returns to.

export const PROVIDER_UNAVAILABLE_MESSAGE = "The payment provider is unavailable, try again in a minute";

/** Runs one provider call; a PaymentProviderError becomes an AppError (anything else is a bug and stays one). */
export async function callPaymentProvider<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof PaymentProviderError)) throw error;
    throw error.retryable
      ? new AppError("PAYMENT_PROVIDER_UNAVAILABLE", PROVIDER_UNAVAILABLE_MESSAGE, { key: "billing.providerUnavailable" })
      : new AppError("PAYMENT_PROVIDER_ERROR", error.message, { key: "billing.providerError" });
  }
}

/** A catalogue product id (plans.ts), or an error telling the operator which env variable to set. */
export function requireProductId(productId: string | null, what: string, envName: string): string {
  if (productId) return productId;
  throw new AppError("BILLING_NOT_CONFIGURED", `${what} has no payment product configured: set ${envName} (see README, Billing)`, {
    key: "billing.notConfigured",
  });
}

/** The billing settings page in `locale`: where checkouts and the customer portal return to. */
export function billingPageUrl(locale: Locale): string {
  return `${env.APP_URL.replace(/\/+$/, "")}${localePath(locale, "/settings/billing")}`;
}
