import { createCallerFactory, createTRPCRouter } from "@/server/api/trpc";
import { adminRouter } from "./routers/admin";
import { billingRouter } from "./routers/billing";
import { iamRolesRouter } from "./routers/iam-roles";
import { internalRouter } from "./routers/internal";
import { meRouter } from "./routers/me";
import { platformRouter } from "./routers/platform";
import { privacyRouter } from "./routers/privacy";
import { projectsRouter } from "./routers/projects";
import { tenantsRouter } from "./routers/tenants";
import { usageRouter } from "./routers/usage";

// The plan's route boundaries, one router each.
export const appRouter = createTRPCRouter({
  me: meRouter,
  tenants: tenantsRouter,
  projects: projectsRouter,
  usage: usageRouter,
  billing: billingRouter,
  iamRoles: iamRolesRouter,
  platform: platformRouter,
  privacy: privacyRouter,
  internal: internalRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
