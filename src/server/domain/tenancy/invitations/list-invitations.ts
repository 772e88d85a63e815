import type { DbTx } from "@/server/db/client";
import { DAY_MS } from "@/lib/time";
import { INVITATION_LIST_RECENT_DAYS, invitationStatus } from "./rules";

/**
 * The tenant's invitations for the settings page: every pending one (expired ones for the recent
 * window), plus those accepted or revoked within it. A revoked invitation's expiresAt is the moment
 * it was revoked (see revokeInvitation), which is what "recently" is measured by. Newest first.
 */
export async function listInvitations(db: DbTx, input: { tenantId: string; now?: Date }) {
  const now = input.now ?? new Date();
  const since = new Date(now.getTime() - INVITATION_LIST_RECENT_DAYS * DAY_MS);
  const rows = await db.tenantInvitation.findMany({
    where: {
      tenantId: input.tenantId,
      OR: [
        { status: "pending", expiresAt: { gt: since } },
        { status: "accepted", acceptedAt: { gt: since } },
        { status: { notIn: ["pending", "accepted"] }, expiresAt: { gt: since } },
      ],
    },
    orderBy: { createdAt: "desc" },
    take: 500,
    select: {
      id: true,
      email: true,
      role: true,
      memberType: true,
      status: true,
      expiresAt: true,
      createdAt: true,
      lastSentAt: true,
      sendCount: true,
      acceptedAt: true,
      inviter: { select: { id: true, name: true } },
    },
  });
  return rows.map((row) => ({ ...row, role: row.role ?? "member", status: invitationStatus(row, now) }));
}
