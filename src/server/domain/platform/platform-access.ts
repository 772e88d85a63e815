import type { DbTx } from "@/server/db/client";
import { AppError } from "@/server/domain/errors";
import { isStaffEmailAllowed, staffEmailRefusal, type StaffEmailPolicy } from "./staff-email-policy";

/** What stands between a signed-in user and the platform tools; read fresh from the database. */
export async function getPlatformAccess(db: DbTx, input: { userId: string; policy: StaffEmailPolicy }) {
  const user = await db.user.findUnique({
    where: { id: input.userId },
    select: {
      email: true,
      twoFactorEnabled: true,
      platformRoles: { select: { role: true }, orderBy: { role: "asc" } },
      _count: { select: { memberships: true } },
    },
  });
  const roles = user?.platformRoles.map((r) => r.role) ?? [];
  return {
    staff: roles.length > 0,
    roles,
    emailAllowed: !!user && isStaffEmailAllowed(input.policy, user.email),
    twoFactorEnabled: user?.twoFactorEnabled === true,
    membershipCount: user?._count.memberships ?? 0,
    email: user?.email ?? "",
  };
}
export type PlatformAccess = Awaited<ReturnType<typeof getPlatformAccess>>;

/**
 * Journey 4: a platform procedure needs a platform role, an email in the staff domain allowlist, no
 * workspace membership, and two-factor authentication turned on. With Better Auth's twoFactor plugin
 * a password sign-in of a user with 2FA creates a session only after the TOTP check.
 * Returns the caller's platform roles.
 */
export async function assertPlatformAccess(db: DbTx, input: { userId: string; policy: StaffEmailPolicy }): Promise<string[]> {
  const access = await getPlatformAccess(db, input);
  if (!access.staff) throw new AppError("FORBIDDEN", "Platform staff only", { key: "platform.staffOnly" });
  if (access.membershipCount > 0) {
    throw new AppError("FORBIDDEN", "Platform staff accounts must not belong to a workspace; use a separate staff account", {
      key: "platform.staffInWorkspace",
    });
  }
  if (!access.emailAllowed) {
    throw new AppError("FORBIDDEN", staffEmailRefusal(input.policy, access.email) ?? "Email domain not allowed", {
      key: "platform.staffEmailNotAllowed",
    });
  }
  if (!access.twoFactorEnabled) {
    throw new AppError("TWO_FACTOR_REQUIRED", "Turn on two-factor authentication (TOTP) for this account before using the platform tools", {
      key: "platform.twoFactorRequired",
    });
  }
  return access.roles;
}
