import type { DbTx } from "@/server/db/client";

export function listTenantsForPlatform(db: DbTx, opts: { take?: number } = {}) {
  return db.tenant.findMany({
    orderBy: { createdAt: "desc" },
    take: opts.take ?? 100,
    select: {
      id: true,
      name: true,
      plan: true,
      billingState: true,
      createdAt: true,
      deletedAt: true,
      _count: { select: { members: true, projects: { where: { deletedAt: null } } } },
    },
  });
}
