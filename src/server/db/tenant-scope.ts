import type { PrismaClient } from "@/generated/prisma/client";

// Models that belong to exactly one tenant (they carry tenant_id). Add every new tenant-owned
// model here: the isolation test enumerates the tenant procedures and fails on a leak.
// Creates through the scoped client must use the unchecked form (`tenantId`, `teamId` scalars),
// not `tenant: { connect }`, since the scope sets `tenantId` on the data. Work that has to span
// tenants (a user's other memberships, sessions) uses raw SQL or an unscoped client on purpose.
const TENANT_OWNED = new Set<string>([
  "Project",
  "TenantMember",
  "TenantInvitation",
  "Team",
  "TeamMember",
  "IamRole",
  "BillingCustomer",
  "BillingTenantSubscription",
  "BillingOneTimePayment",
  "BillingCheckout",
  "CancellationFeedback",
  "BillingProviderCall",
  "TenantCreditLedger",
  "UsageEvent",
  "UsageAggregate",
  "UsageOverageFee",
  "UsageAlert",
]);
// Models with deleted_at: hidden unless the query names deletedAt itself.
const SOFT_DELETABLE = new Set<string>(["Project"]);

type Args = Record<string, unknown> & { where?: Record<string, unknown>; data?: unknown };

function scopedWhere(model: string, tenantId: string, where: Record<string, unknown> = {}) {
  const scoped: Record<string, unknown> = { ...where, tenantId };
  if (SOFT_DELETABLE.has(model) && !("deletedAt" in where)) scoped.deletedAt = null;
  return scoped;
}

function withTenant(data: unknown, tenantId: string): unknown {
  if (Array.isArray(data)) return data.map((d) => withTenant(d, tenantId));
  const row = data as Record<string, unknown>;
  if (row.tenantId !== undefined && row.tenantId !== tenantId) {
    throw new Error("Refusing to write a row for another tenant through a tenant-scoped client");
  }
  return { ...row, tenantId };
}

/**
 * A client whose tenant-owned queries are confined to one tenant: reads, updates and deletes get
 * tenantId (and deletedAt: null) added to their where, creates get tenantId set. A forgotten
 * where therefore finds nothing instead of another tenant's rows.
 */
export function scopeToTenant(client: PrismaClient, tenantId: string): PrismaClient {
  const scoped = client.$extends({
    name: "tenant-scope",
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          if (!TENANT_OWNED.has(model)) return query(args);
          const a = { ...(args as Args) };
          switch (operation) {
            case "create":
              a.data = withTenant(a.data, tenantId);
              break;
            case "createMany":
            case "createManyAndReturn":
              a.data = withTenant(a.data, tenantId);
              break;
            case "upsert":
              a.where = scopedWhere(model, tenantId, a.where);
              a.create = withTenant(a.create, tenantId);
              break;
            default:
              a.where = scopedWhere(model, tenantId, a.where);
          }
          return query(a as typeof args);
        },
      },
    },
  });
  // A query-only extension leaves every model's types as they were.
  return scoped as unknown as PrismaClient;
}
