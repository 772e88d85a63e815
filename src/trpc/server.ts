import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";

/** The tRPC API for server components: same procedures, same checks, no HTTP hop. One context per request. */
export const getServerApi = cache(async () => createCaller(await createTRPCContext({ headers: await headers() })));

/**
 * The active workspace with the viewer's permissions (tenants.current), read once per request however many
 * layouts and pages ask; null without one (the settings layout then shows its notice).
 */
export const getCurrentTenant = cache(async () => (await getServerApi()).tenants.current().catch(() => null));
