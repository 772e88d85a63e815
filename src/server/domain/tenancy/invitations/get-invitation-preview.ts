import type { DbTx } from "@/server/db/client";
import { notFound } from "@/server/domain/errors";
import { isBuiltInRole } from "@/server/domain/rbac/permissions";
import { invitationStatus, maskEmail } from "./rules";

/**
 * What the accept page shows to whoever holds the link. The id is the bearer token, so this
 * returns only what the email itself says (workspace, inviter, role) plus the status and a masked
 * address; never ids, the full address or anything about the tenant's members. `forYou` compares
 * the signed-in viewer's address (null when signed out), so the page can say "wrong account".
 */
export async function getInvitationPreview(db: DbTx, input: { id: string; viewerEmail?: string | null; now?: Date }) {
  const now = input.now ?? new Date();
  const invitation = await db.tenantInvitation.findUnique({
    where: { id: input.id },
    select: {
      tenantId: true,
      email: true,
      role: true,
      memberType: true,
      status: true,
      expiresAt: true,
      tenant: { select: { name: true, deletedAt: true } },
      inviter: { select: { name: true } },
    },
  });
  if (!invitation || invitation.tenant.deletedAt) throw notFound("invitation");
  const role = invitation.role ?? "member";
  const roleName = isBuiltInRole(role)
    ? null
    : ((await db.iamRole.findUnique({ where: { tenantId_key: { tenantId: invitation.tenantId, key: role } }, select: { name: true } }))
        ?.name ?? null);
  return {
    tenantName: invitation.tenant.name,
    inviterName: invitation.inviter.name,
    role,
    roleName,
    memberType: invitation.memberType,
    email: maskEmail(invitation.email),
    status: invitationStatus(invitation, now),
    forYou: input.viewerEmail ? input.viewerEmail.toLowerCase() === invitation.email : null,
  };
}
