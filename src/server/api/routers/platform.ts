import { createTRPCRouter, platformProcedure, protectedProcedure } from "@/server/api/trpc";
import { env } from "@/env";
import { listPlatformUsers } from "@/server/domain/platform/list-platform-users";
import { getPlatformAccess } from "@/server/domain/platform/platform-access";
import { listPlatformUsersInputSchema, listPlatformUsersOutputSchema, platformStatusOutputSchema } from "@/server/domain/platform/schemas";
import { staffEmailPolicy } from "@/server/domain/platform/staff-email-policy";
import { listTenantsForPlatform } from "@/server/domain/tenancy/platform-tenants";

export const platformRouter = createTRPCRouter({
  /**
   * The caller's own standing (any signed-in user): lets /platform choose between the tools, the
   * two-factor setup and a refusal, and the two-factor page choose where to go next. Reveals nothing
   * about the allowlist to non-staff.
   */
  status: protectedProcedure.output(platformStatusOutputSchema).query(async ({ ctx }) => {
    const access = await getPlatformAccess(ctx.db, { userId: ctx.user.id, policy: staffEmailPolicy(env) });
    if (!access.staff) return { staff: false, roles: [], emailAllowed: false, twoFactorEnabled: access.twoFactorEnabled, membershipCount: access.membershipCount };
    return { staff: true, roles: access.roles, emailAllowed: access.emailAllowed, twoFactorEnabled: access.twoFactorEnabled, membershipCount: access.membershipCount };
  }),

  /** Read-only list of every tenant. */
  tenants: platformProcedure.query(({ ctx }) => listTenantsForPlatform(ctx.db)),

  /** Read-only, cursor-paginated list of every user, newest first. */
  users: platformProcedure
    .input(listPlatformUsersInputSchema)
    .output(listPlatformUsersOutputSchema)
    .query(({ ctx, input }) => listPlatformUsers(ctx.db, input)),
});
