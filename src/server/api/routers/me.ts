import { getAuth } from "@/server/auth";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "@/server/api/trpc";
import { signUpInputSchema, signUpWithEmail } from "@/server/domain/identity/sign-up";
import { listMemberships } from "@/server/domain/tenancy/memberships";

export const meRouter = createTRPCRouter({
  signUp: publicProcedure
    .input(signUpInputSchema)
    .mutation(({ ctx, input }) => signUpWithEmail(ctx.db, getAuth(), input, ctx.headers)),

  get: protectedProcedure.query(async ({ ctx }) => ({
    user: { id: ctx.user.id, name: ctx.user.name, email: ctx.user.email, emailVerified: ctx.user.emailVerified },
    activeTenantId: ctx.session.session.activeOrganizationId ?? null,
    memberships: await listMemberships(ctx.db, ctx.user.id),
  })),
});
