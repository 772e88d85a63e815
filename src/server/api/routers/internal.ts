import { createTRPCRouter, internalProcedure } from "@/server/api/trpc";
import { env } from "@/env";
import { getAuth } from "@/server/auth";
import { createPlatformAdmin } from "@/server/domain/platform/create-platform-admin";
import { createPlatformAdminInputSchema, createPlatformAdminOutputSchema } from "@/server/domain/platform/schemas";
import { staffEmailPolicy } from "@/server/domain/platform/staff-email-policy";

// System-only procedures, authenticated by the service token (INTERNAL_SERVICE_TOKEN), never by a session.
export const internalRouter = createTRPCRouter({
  admins: createTRPCRouter({
    /** Makes an email a platform admin (creating the user if needed); idempotent. Same rules as `npm run admin:create`. */
    create: internalProcedure
      .input(createPlatformAdminInputSchema)
      .output(createPlatformAdminOutputSchema)
      .mutation(({ ctx, input }) =>
        createPlatformAdmin(ctx.db, getAuth(), { ...input, actor: { kind: ctx.caller.kind }, policy: staffEmailPolicy(env) }),
      ),
  }),
});
