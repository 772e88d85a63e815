import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";

/** The tRPC API for server components: same procedures, same checks, no HTTP hop. One context per request. */
export const getServerApi = cache(async () => createCaller(await createTRPCContext({ headers: await headers() })));
