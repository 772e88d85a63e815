import { getAuth } from "@/server/auth";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "@/server/api/trpc";
import { issueSignUpMailboxPass } from "@/server/domain/dev-mailbox/request";
import { signUpInputSchema, signUpWithEmail } from "@/server/domain/identity/sign-up";
import {
  getNotificationPreferences,
  preferencesOutputSchema,
  setNotificationPreferences,
  setPreferencesInputSchema,
} from "@/server/domain/notifications/preferences";
import { listMemberships } from "@/server/domain/tenancy/memberships";

export const meRouter = createTRPCRouter({
  signUp: publicProcedure
    .input(signUpInputSchema)
    .mutation(async ({ ctx, input }) => {
      const result = await signUpWithEmail(ctx.db, getAuth(), input, ctx.headers);
      // Dev mailbox only: this browser may read the NEW account's mail (an existing address was refused above).
      issueSignUpMailboxPass(ctx.resHeaders, { newUserId: result.userId, email: result.email });
      return result;
    }),

  get: protectedProcedure.query(async ({ ctx }) => ({
    user: { id: ctx.user.id, name: ctx.user.name, email: ctx.user.email, emailVerified: ctx.user.emailVerified },
    activeTenantId: ctx.session.session.activeOrganizationId ?? null,
    memberships: await listMemberships(ctx.db, ctx.user.id),
  })),

  // The user's own choices, not a tenant's: security and billing email cannot be turned off (BAD_REQUEST).
  notificationPreferences: createTRPCRouter({
    get: protectedProcedure
      .output(preferencesOutputSchema)
      .query(({ ctx }) => getNotificationPreferences(ctx.db, { userId: ctx.user.id })),
    set: protectedProcedure
      .input(setPreferencesInputSchema)
      .output(preferencesOutputSchema)
      .mutation(({ ctx, input }) => setNotificationPreferences(ctx.db, { userId: ctx.user.id, ...input })),
  }),
});
