import { createTRPCRouter, platformProcedure } from "@/server/api/trpc";
import { listTenantsForPlatform } from "@/server/domain/tenancy/platform-tenants";

export const platformRouter = createTRPCRouter({
  /** Read-only list of every tenant (the admin panel grows in later issues). */
  tenants: platformProcedure.query(({ ctx }) => listTenantsForPlatform(ctx.db)),
});
