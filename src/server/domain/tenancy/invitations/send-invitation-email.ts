import { env } from "@/env";
import { localePath, type Locale } from "@/i18n/routing";
import type { DbTx } from "@/server/db/client";
import { notify } from "@/server/domain/notifications/notify";
import { isBuiltInRole } from "@/server/domain/rbac/permissions";
import { DAY_MS } from "@/lib/time";

/** The accept page (built by the UI) for one invitation, in the recipient's locale. */
export function invitationUrl(id: string, locale: Locale): string {
  return `${env.APP_URL.replace(/\/+$/, "")}${localePath(locale, `/invitations/${id}`)}`;
}

/**
 * Queues the invitation email as the invitation stands now (call after the transaction that bumped
 * sendCount has committed, or inside it). The idempotency key names the send, so a retried request
 * sends that email once and a deliberate resend (a higher sendCount) sends a new one.
 */
export async function sendInvitationEmail(
  db: DbTx,
  input: {
    invitationId: string;
    locale: Locale;
    now?: Date;
  },
): Promise<void> {
  const now = input.now ?? new Date();
  const invitation = await db.tenantInvitation.findUniqueOrThrow({
    where: { id: input.invitationId },
    select: {
      id: true,
      tenantId: true,
      email: true,
      role: true,
      memberType: true,
      sendCount: true,
      expiresAt: true,
      tenant: { select: { name: true } },
      inviter: { select: { name: true } },
    },
  });
  const role = invitation.role ?? "member";
  const roleName = isBuiltInRole(role)
    ? null
    : ((await db.iamRole.findUnique({ where: { tenantId_key: { tenantId: invitation.tenantId, key: role } }, select: { name: true } }))
        ?.name ?? null);
  await notify(db, {
    event: "tenancy.invitation",
    recipients: [{ email: invitation.email, locale: input.locale }],
    tenantId: invitation.tenantId,
    data: {
      tenantName: invitation.tenant.name,
      inviterName: invitation.inviter.name,
      role,
      roleName,
      memberType: invitation.memberType,
      url: invitationUrl(invitation.id, input.locale),
      expiresInDays: Math.max(1, Math.ceil((invitation.expiresAt.getTime() - now.getTime()) / DAY_MS)),
    },
    idempotencyKey: `invitation:${invitation.id}:${invitation.sendCount}`,
  });
}
