import type { Db } from "@/server/db/client";
import type { CreateCustomerInput, PaymentProvider } from "@/server/providers/payments/types";
import { callPaymentProvider } from "./provider-calls";
import { runReservedProviderCall } from "./reserved-provider-call";

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
 * use, without a transaction open across the provider call (reserved-provider-call.ts). Concurrent first
 * calls create one provider customer: one reserves the call, the others wait for its result. A provider
 * refusal writes nothing; a failure or crash after the provider may have created the customer leaves the
 * reservation, and the next call resumes it with the same idempotency key and request (email, name).
 *
 * How far "same key, same customer" holds: the simulator derives the customer id from the key. Dodo has
 * no idempotency for customers, so its adapter tags the customer's metadata with the key and first looks
 * for a customer of that email carrying it: a resumed call finds the customer the first attempt created.
 * What remains: the Dodo SDK's own retry of a create that timed out after Dodo had done it (inside one
 * call, before any lookup) can still make a second customer. Nothing uses it (no checkout, no
 * subscription names it); it shows in Dodo's dashboard with the same tenantId in its metadata.
 */
export async function ensureBillingCustomer(db: Db, provider: PaymentProvider, owner: BillingCustomerOwner): Promise<string> {
  const where = { tenantId_provider: { tenantId: owner.tenantId, provider: provider.name } };
  const existing = await db.billingCustomer.findUnique({ where, select: { providerCustomerId: true } });
  if (existing) return existing.providerCustomerId;

  return runReservedProviderCall<Omit<CreateCustomerInput, "idempotencyKey">, { customerId: string }, string>(db, {
    tenantId: owner.tenantId,
    provider: provider.name,
    unfinished: "resume",
    async plan(tx) {
      const recorded = await tx.billingCustomer.findUnique({ where, select: { providerCustomerId: true } });
      if (recorded) return { done: recorded.providerCustomerId };
      return { action: "customer", request: { email: owner.email, name: owner.tenantName, metadata: { tenantId: owner.tenantId } } };
    },
    call: (key, request) => provider.createCustomer({ ...request, idempotencyKey: key }),
    async record(tx, { key, response }) {
      await tx.billingCustomer.createMany({
        data: [{ id: key, tenantId: owner.tenantId, provider: provider.name, providerCustomerId: response.customerId }],
        skipDuplicates: true,
      });
      return (await tx.billingCustomer.findUniqueOrThrow({ where, select: { providerCustomerId: true } })).providerCustomerId;
    },
  });
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
