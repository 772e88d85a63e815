import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { listConsents } from "@/server/domain/privacy/consents";

// The consents the user gave (the sign-up's terms and marketing emails), newest first.
export const privacyRouter = createTRPCRouter({
  consents: protectedProcedure.query(({ ctx }) => listConsents(ctx.db, ctx.user.id)),
});
