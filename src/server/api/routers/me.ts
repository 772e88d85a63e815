import { getAuth } from "@/server/auth";
import { authEndpointProcedure, createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { issueSignUpMailboxPass } from "@/server/domain/dev-mailbox/request";
import { signUpInputSchema, signUpOutputSchema, signUpWithEmail } from "@/server/domain/identity/sign-up";
import {
  getNotificationPreferences,
  preferencesOutputSchema,
  setNotificationPreferences,
  setPreferencesInputSchema,
} from "@/server/domain/notifications/preferences";
import { listMemberships } from "@/server/domain/tenancy/memberships";
import { meSchema } from "@/server/domain/tenancy/tenancy-schemas";

export const meRouter = createTRPCRouter({
  // Counted with Better Auth's /sign-up/email (same rule, same key), which it calls through auth.api.
  signUp: authEndpointProcedure("/sign-up/email")
    .input(signUpInputSchema)
    .output(signUpOutputSchema)
    .mutation(async ({ ctx, input }) => {
      // Only what a new and an existing address answer alike: whether an account was created stays here.
      const { email, verificationRequired, newUserId } = await signUpWithEmail(ctx.db, getAuth(), input, ctx.headers);
      // Dev mailbox only: this browser may read the NEW account's mail (never set for an existing address).
      issueSignUpMailboxPass(ctx.resHeaders, { newUserId, email });
      return { email, verificationRequired };
    }),

  get: protectedProcedure.output(meSchema).query(async ({ ctx }) => ({
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
