import { randomBytes } from "node:crypto";
import { generateRandomString, hashPassword } from "better-auth/crypto";
import { defaultLocale, localePath } from "@/i18n/routing";
import type { Auth } from "@/server/auth";
import type { Db } from "@/server/db/client";
import { lockPlatformAdminEmail } from "@/server/db/locks";
import { inTransaction } from "@/server/db/transaction";
import { recordAudit } from "@/server/domain/audit/record-audit";
import { AppError } from "@/server/domain/errors";
import { assertStaffEmailAllowed, type StaffEmailPolicy } from "./staff-email-policy";

export const PLATFORM_ADMIN_ROLE = "platform_admin";

export interface CreatePlatformAdminInput {
  /** Lower-cased and trimmed here as well as in the schema, so the CLI and the API agree. */
  email: string;
  /** Only used when the user is created; defaults to the part of the address before the "@". */
  name?: string;
  /** Who asked: the internal API (service token) or the CLI on the server. Recorded in the audit log. */
  actor: { kind: "internal_api" | "cli" };
  policy: StaffEmailPolicy;
}

export interface CreatePlatformAdminResult {
  userId: string;
  email: string;
  /** A new user was created (with an unusable random password and an unverified email). */
  userCreated: boolean;
  /** The platform_admin role was granted now (false: the user already had it; nothing changed). */
  roleGranted: boolean;
  /** The password setup email: sent for new users only; "failed" leaves the admin to use "Forgot password". */
  passwordSetupEmail: "sent" | "failed" | "not_needed";
}

const newId = () => generateRandomString(32, "a-z", "A-Z", "0-9");

/**
 * Journey 4: makes `email` a platform admin. Used by `internal.admins.create` (service token) and by
 * `npm run admin:create` (in-process), so both apply the same rules:
 * - the email's domain must be in the staff allowlist (PLATFORM_ADMIN_EMAIL_DOMAINS);
 * - a user who belongs to any workspace is refused: staff accounts are separate from customer accounts;
 * - idempotent: an existing admin is found, not duplicated, and a second call changes nothing.
 *
 * A new user is written directly (not through Better Auth's sign-up, whose hook would give them a
 * workspace) with email_verified = false and a random password nobody knows. They then get Better
 * Auth's password reset email, so proving the mailbox and choosing a password is one link; if that
 * mail is lost they use "Forgot password" on the sign-in page. Before any platform page works they
 * must turn on two-factor authentication (the /platform pages walk them through it).
 */
export async function createPlatformAdmin(db: Db, auth: Auth, input: CreatePlatformAdminInput): Promise<CreatePlatformAdminResult> {
  const email = input.email.trim().toLowerCase();
  assertStaffEmailAllowed(input.policy, email);

  // scrypt takes ~70 ms: hash before the transaction, and only if the user probably has to be created.
  const exists = await db.user.findUnique({ where: { email }, select: { id: true } });
  const passwordHash = exists ? null : await hashPassword(randomBytes(32).toString("base64url"));

  // A unique violation (the address signed up meanwhile) is CONFLICT through the tRPC error middleware.
  const outcome: Omit<CreatePlatformAdminResult, "passwordSetupEmail"> = await inTransaction(db, async (tx) => {
    await lockPlatformAdminEmail(tx, email);
    const found = await tx.user.findUnique({ where: { email }, select: { id: true, _count: { select: { memberships: true } } } });
    if (found && found._count.memberships > 0) {
      throw new AppError(
        "CONFLICT",
        `${email} belongs to ${found._count.memberships} workspace(s). Platform admins have no workspace membership: use a separate staff address, or remove the memberships first.`,
        { key: "platform.adminHasWorkspaces", params: { email, count: found._count.memberships } },
      );
    }
    let userId = found?.id;
    const userCreated = !userId;
    if (!userId) {
      userId = newId();
      const name = input.name?.trim() || email.slice(0, email.indexOf("@"));
      await tx.user.create({ data: { id: userId, email, name, emailVerified: false, role: "user" } });
      await tx.account.create({
        data: {
          id: newId(),
          accountId: userId,
          providerId: "credential",
          userId,
          password: passwordHash ?? (await hashPassword(randomBytes(32).toString("base64url"))),
        },
      });
    }
    const { count } = await tx.platformRoleAssignment.createMany({
      data: [{ userId, role: PLATFORM_ADMIN_ROLE }],
      skipDuplicates: true,
    });
    const roleGranted = count === 1;
    if (roleGranted) {
      await recordAudit(tx, {
        tenantId: null,
        actorUserId: null, // a system caller, not a person
        action: "platform.role_granted",
        targetType: "user",
        targetId: userId,
        metadata: { role: PLATFORM_ADMIN_ROLE, via: input.actor.kind, userCreated },
      });
    }
    return { userId, email, userCreated, roleGranted };
  });

  if (!outcome.userCreated) return { ...outcome, passwordSetupEmail: "not_needed" };
  try {
    await auth.api.requestPasswordReset({ body: { email, redirectTo: localePath(defaultLocale, "/reset-password") } });
    return { ...outcome, passwordSetupEmail: "sent" };
  } catch {
    // The admin exists either way; "Forgot password" on the sign-in page sends the same link.
    return { ...outcome, passwordSetupEmail: "failed" };
  }
}
