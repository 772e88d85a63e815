import type { Db } from "@/server/db/client";
import { PaymentProviderError, type PaymentProvider } from "../types";

export interface SimulatorPaymentProviderOptions {
  db: Db;
  /** The app's base URL: checkout and portal pages live there, webhooks are sent to its /api/webhooks/dodo. */
  appUrl: string;
}

// Placeholder until the simulator lands (being built now).
export function createSimulatorPaymentProvider(_opts: SimulatorPaymentProviderOptions): PaymentProvider {
  const notYet = () => {
    throw new PaymentProviderError("The payment simulator is not built yet", { retryable: false, provider: "simulator" });
  };
  return { name: "simulator", createCheckout: notYet, createCustomer: notYet, portalLink: notYet, changePlan: notYet, cancelAtPeriodEnd: notYet, reportUsage: notYet };
}
