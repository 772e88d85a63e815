import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { listConsents } from "@/server/domain/privacy/consents";

// Consent changes and data requests (export, deletion) arrive with the privacy issue.
export const privacyRouter = createTRPCRouter({
  consents: protectedProcedure.query(({ ctx }) => listConsents(ctx.db, ctx.user.id)),
});
