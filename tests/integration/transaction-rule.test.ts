/**
 * The transaction rule (issue 12, item 4): a function that takes locks asks for a Tx, which only
 * inTransaction hands out, so a lock cannot silently run on a plain client (where it would end with its
 * statement). The @ts-expect-error lines are the type-level half: `npm run typecheck` fails if a plain
 * client, or a transaction opened around inTransaction, is ever accepted. The runtime half: a lock taken
 * in inTransaction is held until the transaction ends.
 */
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/generated/prisma/client";
import { prisma } from "@/server/db/client";
import { lockTenantBilling, lockTenantCredits, lockTenantRow, lockTenantUsage, lockUserProvisioning } from "@/server/db/locks";
import { inTransaction } from "@/server/db/transaction";
import { lockSubscriptionRow } from "@/server/domain/billing/subscription-record";
import { consumeCredits } from "@/server/domain/credits/ledger";
import { createTenantWithOwner } from "@/server/domain/tenancy/create-tenant-with-owner";
import { lockTenantSeats } from "@/server/domain/tenancy/seat-limits";

/** Another process's connection: it sees the locks the app's transaction holds. */
const elsewhere = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL!, max: 1 }) });
afterAll(() => elsewhere.$disconnect());

/** Never called: compiled only, by `npm run typecheck` (which includes tests). */
export function lockingFunctionsRefuseAPlainClient(tenantId: string) {
  const credits = { tenantId, amount: 1, reference: "never", now: new Date() };
  // @ts-expect-error a plain client is not a transaction
  void consumeCredits(prisma, credits);
  // @ts-expect-error a transaction Prisma opened directly is not one inTransaction handed out
  void prisma.$transaction((tx) => consumeCredits(tx, credits));
  // @ts-expect-error a plain client is not a transaction
  void lockTenantCredits(prisma, tenantId);
  // @ts-expect-error a plain client is not a transaction
  void lockTenantUsage(prisma, tenantId, "api_calls");
  // @ts-expect-error a plain client is not a transaction
  void lockTenantSeats(prisma, tenantId);
  // @ts-expect-error a plain client is not a transaction
  void lockSubscriptionRow(prisma, tenantId, "update");
  // @ts-expect-error a plain client is not a transaction
  void lockUserProvisioning(prisma, "user");
  // @ts-expect-error a plain client is not a transaction
  void lockTenantBilling(prisma, tenantId);
  // @ts-expect-error a plain client is not a transaction
  void createTenantWithOwner(prisma, { name: "Never", ownerUserId: null, now: new Date() });
  // What compiles: the same calls inside inTransaction.
  void inTransaction(prisma, async (tx) => {
    await lockTenantCredits(tx, tenantId);
    await consumeCredits(tx, credits);
  });
}

async function creditLockFreeElsewhere(tenantId: string): Promise<boolean> {
  const [row] = await elsewhere.$queryRaw<{ free: boolean }[]>`
    SELECT pg_try_advisory_xact_lock(hashtext('tenant-credits'), hashtext(${tenantId})) AS free`;
  return row!.free;
}

describe("locks under inTransaction", () => {
  it("an advisory lock is held until the transaction commits, then free", async () => {
    const tenantId = randomUUID();
    const seenInside = await inTransaction(prisma, async (tx) => {
      await lockTenantCredits(tx, tenantId);
      return creditLockFreeElsewhere(tenantId);
    });
    expect(seenInside).toBe(false);
    expect(await creditLockFreeElsewhere(tenantId)).toBe(true);
  });

  it("a row lock on the tenant makes another writer wait until commit", async () => {
    const tenant = await prisma.tenant.create({ data: { name: "Locked", slug: `locked-${randomUUID()}` } });
    const busy = await inTransaction(prisma, async (tx) => {
      await lockTenantRow(tx, tenant.id);
      return inTransaction(elsewhere, async (other) => {
        await other.$executeRaw`SET LOCAL lock_timeout = 50`;
        return other.$queryRaw`SELECT id FROM tenants WHERE id = ${tenant.id} FOR UPDATE`.then(() => false, () => true);
      });
    });
    expect(busy).toBe(true);
  });

  it("a use case called inside another's transaction runs in it (one transaction id)", async () => {
    const ids = await inTransaction(prisma, async (tx) => {
      const outer = await tx.$queryRaw<{ id: bigint }[]>`SELECT txid_current() AS id`;
      const inner = await inTransaction(tx, (nested) => nested.$queryRaw<{ id: bigint }[]>`SELECT txid_current() AS id`);
      return [outer[0]!.id, inner[0]!.id];
    });
    expect(ids[0]).toBe(ids[1]);
  });
});
