/**
 * What every invitation use case shares: the input schemas, the computed status, the locks and
 * the role and seat rules. Edit here when a rule changes for all of create, resend and accept.
 */
import { z } from "zod";
import { locales } from "@/i18n/routing";
import type { DbTx } from "@/server/db/client";
import type { Tx } from "@/server/db/transaction";
import { AppError, type UserMessage } from "@/server/domain/errors";
import { DEFAULT_PLAN, isPlanId, plans } from "@/server/domain/plans/plans";
import {
  effectivePermissions,
  isBuiltInRole,
  isPermission,
  rolePermissions,
  type Permission,
} from "@/server/domain/rbac/permissions";
import { entityIdSchema } from "@/server/domain/validation";
import { DAY_MS } from "@/lib/time";
import { INVITATION_EXPIRY_DAYS } from "../defaults";
import type { MemberType } from "../inputs";

/** A resend (or a repeated create) within this window sends no second email: one address cannot be flooded. */
export const INVITATION_RESEND_COOLDOWN_MS = 60_000;
/** Accepted, revoked and expired invitations stay in the list this long (pending ones always do). */
export const INVITATION_LIST_RECENT_DAYS = 30;

export const invitationIdSchema = entityIdSchema;

export {
  createInvitationInputSchema,
  invitationEmailSchema,
  invitationRoleSchema,
  memberTypeSchema,
  type CreateInvitationFields,
  type MemberType,
} from "../inputs";

export const invitationByIdSchema = z.object({ id: invitationIdSchema });
export const resendInvitationInputSchema = invitationByIdSchema.extend({ locale: z.enum(locales).optional() });

/** "expired" is never stored: it is a pending invitation past expiresAt. */
export type InvitationStatus = "pending" | "accepted" | "revoked" | "expired";

export function invitationStatus(invitation: { status: string; expiresAt: Date }, now: Date): InvitationStatus {
  if (invitation.status === "accepted") return "accepted";
  if (invitation.status === "pending") return invitation.expiresAt.getTime() > now.getTime() ? "pending" : "expired";
  // "revoked", and Better Auth's own "canceled" / "rejected" should its endpoints ever write one.
  return "revoked";
}

export function invitationExpiry(now: Date): Date {
  return new Date(now.getTime() + INVITATION_EXPIRY_DAYS * DAY_MS);
}

/** "a***@example.com": enough for the invitee to recognise their address, useless to someone who guessed a link. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  return `${email[0]}***${email.slice(at)}`;
}

export const invitationInvalid = (message: string, user: UserMessage) => new AppError("INVITATION_INVALID", message, user);

/**
 * Row lock on one invitation, so create, accept, resend and revoke of it take turns. Take it
 * before lockTenantSeats (the order acceptance uses). With a tenant, another tenant's row is not touched.
 */
export async function lockInvitation(tx: Tx, id: string, tenantId?: string) {
  if (tenantId) await tx.$queryRaw`SELECT id FROM tenant_invitations WHERE id = ${id} AND tenant_id = ${tenantId} FOR UPDATE`;
  else await tx.$queryRaw`SELECT id FROM tenant_invitations WHERE id = ${id} FOR UPDATE`;
}

/** The role's permissions as the invited membership would hold them; null when the tenant has no such role. */
export async function invitedPermissions(
  tx: DbTx,
  input: { tenantId: string; role: string; memberType: MemberType },
): Promise<Permission[] | null> {
  if (isBuiltInRole(input.role)) return effectivePermissions(rolePermissions[input.role], input.memberType);
  const custom = await tx.iamRole.findUnique({
    where: { tenantId_key: { tenantId: input.tenantId, key: input.role } },
    select: { permissions: true },
  });
  return custom ? effectivePermissions(custom.permissions.filter(isPermission), input.memberType) : null;
}

/**
 * May this inviter hand out this role? The role must exist in the tenant; guests get the guest role
 * or a custom role (cut to the guest ceiling); only owners invite owners; and nobody can give away
 * a permission they do not hold themselves (an admin cannot mint a custom role's extra powers).
 */
export async function assertRoleInvitable(
  tx: DbTx,
  input: {
    tenantId: string;
    role: string;
    memberType: MemberType;
    inviter: { role: string; permissions: readonly Permission[] };
  },
): Promise<void> {
  const granted = await invitedPermissions(tx, input);
  if (!granted) {
    throw new AppError("INVALID_INPUT", `Unknown role "${input.role}": choose a built-in role or one of this workspace's roles`, {
      key: "invitation.unknownRole",
      params: { role: input.role },
      field: "role",
    });
  }
  if (input.memberType === "guest" && isBuiltInRole(input.role) && input.role !== "guest") {
    throw new AppError("INVALID_INPUT", "Guests get the guest role or a custom role", { key: "invitation.guestRole", field: "role" });
  }
  if (input.role === "owner" && input.inviter.role !== "owner") {
    throw new AppError("FORBIDDEN", "Only owners can invite owners", { key: "invitation.ownerOnlyOwners", field: "role" });
  }
  const beyond = granted.filter((p) => !input.inviter.permissions.includes(p));
  if (beyond.length > 0) {
    throw new AppError("FORBIDDEN", "You cannot invite someone with permissions you do not have yourself", {
      key: "invitation.beyondOwnPermissions",
      field: "role",
    });
  }
}

/**
 * Invitations reserve a seat: members (or guests) plus pending, unexpired invitations of that type
 * must stay within the plan, so an owner learns at invite time that the plan is full rather than the
 * invitee at acceptance. Acceptance checks again against members only (assertSeatAvailable), so an
 * invitation made before a downgrade cannot overfill the tenant. Call after lockTenantSeats.
 */
export async function assertInvitationSeatAvailable(
  tx: DbTx,
  input: { tenantId: string; memberType: MemberType; now: Date; excludeInvitationId?: string },
): Promise<void> {
  const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: input.tenantId }, select: { plan: true } });
  const limits = plans[isPlanId(tenant.plan) ? tenant.plan : DEFAULT_PLAN].limits;
  const limit = input.memberType === "guest" ? limits.guests : limits.seats;
  // One after the other: queries on one transaction share its connection anyway.
  const members = await tx.tenantMember.count({ where: { tenantId: input.tenantId, memberType: input.memberType } });
  const pending = await tx.tenantInvitation.count({
    where: {
      tenantId: input.tenantId,
      memberType: input.memberType,
      status: "pending",
      expiresAt: { gt: input.now },
      ...(input.excludeInvitationId ? { id: { not: input.excludeInvitationId } } : {}),
    },
  });
  if (members + pending >= limit) {
    const what = input.memberType === "guest" ? "guests" : "members";
    throw new AppError(
      "LIMIT_REACHED",
      `Your plan allows ${limit} ${what}, counting pending invitations (${members} joined, ${pending} invited); revoke an invitation or upgrade the plan`,
      { key: "invitation.seatLimit", params: { memberType: input.memberType, limit, members, pending } },
    );
  }
}
