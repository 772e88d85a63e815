import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { workspaceOrNone } from "./no-workspace";

/** The tRPC API for server components: same procedures, same checks, no HTTP hop. One context per request. */
export const getServerApi = cache(async () => createCaller(await createTRPCContext({ headers: await headers() })));

/**
 * The active workspace with the viewer's permissions (tenants.current), read once per request however many
 * layouts and pages ask; null only when the viewer has none (the page then shows its notice). Any other
 * failure, a database outage first of all, is thrown to the error page: see workspaceOrNone.
 */
export const getCurrentTenant = cache(async () => workspaceOrNone((await getServerApi()).tenants.current()));
