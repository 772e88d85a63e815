import { createTRPCRouter } from "@/server/api/trpc";

// System-only procedures (service token), starting with platform admin provisioning, arrive with the tenancy issue.
export const internalRouter = createTRPCRouter({});
