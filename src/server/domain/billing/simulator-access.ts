import type { DbTx } from "@/server/db/client";
import { getAuth } from "@/server/auth";
import { can } from "@/server/domain/rbac/permissions";
import { resolvePermissions } from "@/server/domain/rbac/resolve-permissions";

// Who may open the simulator's hosted checkout and portal pages and press their buttons. A real hosted
// checkout's link is bound to the payment session that opened it; the simulator runs inside the app,
// so it binds its links to the app's session instead: only signed-in people who may manage billing
// (billing:manage, the permission that opens these links) in the tenant the checkout or customer
// belongs to. Everyone else, anonymous visitors included, gets "not found", like an unknown id.
// Applies in every mode: development and playground builds alike.

const PROVIDER = "simulator";

/** The signed-in user of a request (page or server action), or null. */
export async function signedInUserId(headers: Headers): Promise<string | null> {
  const session = await getAuth().api.getSession({ headers });
  return session?.user.id ?? null;
}

async function mayManageBilling(db: DbTx, userId: string, tenantId: string): Promise<boolean> {
  const membership = await db.tenantMember.findFirst({
    where: { userId, tenantId, tenant: { deletedAt: null } },
    select: { tenantId: true, role: true, memberType: true },
  });
  return membership !== null && can(await resolvePermissions(db, membership), "billing:manage");
}

/** The checkout session `sessionId` was opened by the app (billing_checkouts) for a tenant `userId` manages the billing of. */
export async function canOpenSimulatorCheckout(db: DbTx, input: { userId: string | null; sessionId: string }): Promise<boolean> {
  if (!input.userId) return false;
  const checkout = await db.billingCheckout.findFirst({
    where: { provider: PROVIDER, providerSessionId: input.sessionId },
    select: { tenantId: true },
  });
  return checkout !== null && mayManageBilling(db, input.userId, checkout.tenantId);
}

/** The simulator customer `customerId` is the customer (billing_customers) of a tenant `userId` manages the billing of. */
export async function canOpenSimulatorPortal(db: DbTx, input: { userId: string | null; customerId: string }): Promise<boolean> {
  if (!input.userId) return false;
  const customer = await db.billingCustomer.findFirst({
    where: { provider: PROVIDER, providerCustomerId: input.customerId },
    select: { tenantId: true },
  });
  return customer !== null && mayManageBilling(db, input.userId, customer.tenantId);
}
