import { createTRPCRouter } from "@/server/api/trpc";

// Usage events, aggregates and credits arrive with the metering issue.
export const usageRouter = createTRPCRouter({});
