import { createTRPCRouter } from "@/server/api/trpc";

// The admin panel's façade over platform procedures arrives with the admin issue.
export const adminRouter = createTRPCRouter({});
