import type { DbTx } from "@/server/db/client";

export const PLATFORM_USERS_PAGE_MAX = 100;
export const PLATFORM_USERS_PAGE_DEFAULT = 50;

export interface ListPlatformUsersInput {
  /** The id of the last user of the previous page; absent for the first page. */
  cursor?: string | null;
  limit?: number;
}

/**
 * Every user of the install, newest first, for platform staff. Keyset-paginated on (created_at, id)
 * so pages stay stable while users sign up; at most PLATFORM_USERS_PAGE_MAX per page. Read-only.
 */
export async function listPlatformUsers(db: DbTx, input: ListPlatformUsersInput = {}) {
  const limit = Math.min(Math.max(1, input.limit ?? PLATFORM_USERS_PAGE_DEFAULT), PLATFORM_USERS_PAGE_MAX);
  const after = input.cursor
    ? await db.user.findUnique({ where: { id: input.cursor }, select: { id: true, createdAt: true } })
    : null;
  // An unknown cursor (a deleted user, a tampered URL) gives an empty page, never the first page again.
  if (input.cursor && !after) return { items: [], nextCursor: null };

  const rows = await db.user.findMany({
    where: after
      ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
      : undefined,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: {
      id: true,
      name: true,
      email: true,
      createdAt: true,
      emailVerified: true,
      twoFactorEnabled: true,
      platformRoles: { select: { role: true }, orderBy: { role: "asc" } },
      _count: { select: { memberships: true } },
    },
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map((u) => ({
      id: u.id,
      name: u.name,
      email: u.email,
      createdAt: u.createdAt,
      emailVerified: u.emailVerified,
      twoFactorEnabled: u.twoFactorEnabled === true,
      platformRoles: u.platformRoles.map((r) => r.role),
      membershipCount: u._count.memberships,
    })),
    nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}
