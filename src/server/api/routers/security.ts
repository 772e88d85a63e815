import { createTRPCRouter } from "@/server/api/trpc";

// Security events, sessions and throttling arrive with the security issue.
export const securityRouter = createTRPCRouter({});
