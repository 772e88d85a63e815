import { localeFromHeaders } from "@/i18n/locale-from-request";
import { createTRPCRouter, memberProcedure, publicProcedure, tenantProcedure } from "@/server/api/trpc";
import { acceptInvitation } from "@/server/domain/tenancy/invitations/accept-invitation";
import { createInvitation } from "@/server/domain/tenancy/invitations/create-invitation";
import { getInvitationPreview } from "@/server/domain/tenancy/invitations/get-invitation-preview";
import { listInvitations } from "@/server/domain/tenancy/invitations/list-invitations";
import { resendInvitation } from "@/server/domain/tenancy/invitations/resend-invitation";
import { revokeInvitation } from "@/server/domain/tenancy/invitations/revoke-invitation";
import {
  createInvitationInputSchema,
  invitationByIdSchema,
  resendInvitationInputSchema,
} from "@/server/domain/tenancy/invitations/rules";

// tenants.invitations: managing a tenant's invitations (active tenant, member:invite / member:read)
// and the invitee's side (get for the accept page, accept).
export const invitationsRouter = createTRPCRouter({
  create: tenantProcedure("member:invite")
    .input(createInvitationInputSchema)
    .mutation(({ ctx, input }) =>
      createInvitation(ctx.db, {
        tenantId: ctx.tenant.id,
        inviter: { userId: ctx.user.id, role: ctx.membership.role, permissions: ctx.permissions },
        email: input.email,
        role: input.role,
        memberType: input.memberType,
        locale: input.locale ?? localeFromHeaders(ctx.headers),
      }),
    ),

  list: tenantProcedure("member:read").query(({ ctx }) => listInvitations(ctx.db, { tenantId: ctx.tenant.id })),

  resend: tenantProcedure("member:invite")
    .input(resendInvitationInputSchema)
    .mutation(({ ctx, input }) =>
      resendInvitation(ctx.db, {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.user.id,
        id: input.id,
        locale: input.locale ?? localeFromHeaders(ctx.headers),
      }),
    ),

  revoke: tenantProcedure("member:invite")
    .input(invitationByIdSchema)
    .mutation(({ ctx, input }) => revokeInvitation(ctx.db, { tenantId: ctx.tenant.id, actorUserId: ctx.user.id, id: input.id })),

  /** Public: the accept page shows it before sign-in. The id is the bearer token; see getInvitationPreview. */
  get: publicProcedure
    .input(invitationByIdSchema)
    .query(({ ctx, input }) => getInvitationPreview(ctx.db, { id: input.id, viewerEmail: ctx.session?.user.email ?? null })),

  accept: memberProcedure
    .input(invitationByIdSchema)
    .mutation(({ ctx, input }) =>
      acceptInvitation(ctx.db, { id: input.id, userId: ctx.user.id, sessionId: ctx.session.session.id }),
    ),
});
