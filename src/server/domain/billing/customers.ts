import type { Db } from "@/server/db/client";
import type { PaymentProvider } from "@/server/providers/payments/types";
import { callPaymentProvider, lockTenantBilling, PROVIDER_TRANSACTION_TIMEOUT_MS } from "./provider-calls";

// The tenant's customer at the payment provider (billing_customers, one per tenant and provider) and
// its customer portal.

export interface BillingCustomerOwner {
  tenantId: string;
  /** The provider customer's name. */
  tenantName: string;
  /** Where the provider sends receipts: the member who starts the tenant's first billing action. */
  email: string;
}

/**
 * The tenant's customer id at `provider`, created there (and recorded in billing_customers) on first
 * use. Concurrent first calls create one provider customer: they serialize on the tenant's billing lock
 * and the later ones find the row the first one wrote. A provider failure writes nothing.
 *
 * The transaction stays open across the provider call. That is acceptable here: it holds no row locks,
 * only this tenant's advisory lock, so it blocks nothing but concurrent billing actions of the same
 * tenant (which have to wait for the one customer anyway); it happens once per tenant and provider; and
 * the provider call is bounded by its client timeout (PROVIDER_TRANSACTION_TIMEOUT_MS covers it).
 * Calling the provider outside the lock instead would let a double-click create two provider customers.
 *
 * Call it outside any transaction of the same tenant: it takes the tenant's billing lock itself.
 */
export async function ensureBillingCustomer(db: Db, provider: PaymentProvider, owner: BillingCustomerOwner): Promise<string> {
  const where = { tenantId_provider: { tenantId: owner.tenantId, provider: provider.name } };
  const existing = await db.billingCustomer.findUnique({ where, select: { providerCustomerId: true } });
  if (existing) return existing.providerCustomerId;

  return db.$transaction(
    async (tx) => {
      await lockTenantBilling(tx, owner.tenantId);
      const createdMeanwhile = await tx.billingCustomer.findUnique({ where, select: { providerCustomerId: true } });
      if (createdMeanwhile) return createdMeanwhile.providerCustomerId;
      const { customerId } = await callPaymentProvider(() =>
        provider.createCustomer({ email: owner.email, name: owner.tenantName, metadata: { tenantId: owner.tenantId } }),
      );
      await tx.billingCustomer.create({ data: { tenantId: owner.tenantId, provider: provider.name, providerCustomerId: customerId } });
      return customerId;
    },
    { timeout: PROVIDER_TRANSACTION_TIMEOUT_MS },
  );
}

/** A link to the provider's customer portal (cards, invoices) for the tenant's customer, created if missing. */
export async function openCustomerPortal(
  db: Db,
  provider: PaymentProvider,
  input: BillingCustomerOwner & { returnUrl: string },
): Promise<{ url: string }> {
  const customerId = await ensureBillingCustomer(db, provider, input);
  return callPaymentProvider(() => provider.portalLink(customerId, input.returnUrl));
}
