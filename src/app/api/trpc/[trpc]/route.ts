import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { DATABASE_BUSY_MESSAGE, isDatabaseBusy } from "@/server/db/pool-errors";
import { RETRY_AFTER_SECONDS } from "@/server/http/api-responses";
import { refuseCrossSiteRequest } from "@/server/http/cross-site";
import { boundRequest, TRPC_REQUEST_LIMITS } from "@/server/http/request-limits";
import { TRPC_MAX_BATCH_SIZE } from "@/trpc/batch";

// Before tRPC runs: a bad path, URL or body size is a 4xx (request-limits.ts), a browser's cross-site
// mutation a 403 (cross-site.ts). tRPC then refuses batches over TRPC_MAX_BATCH_SIZE with 400.
async function handler(incoming: Request): Promise<Response> {
  const refused = refuseCrossSiteRequest(incoming);
  if (refused) return refused;
  const req = await boundRequest(incoming, TRPC_REQUEST_LIMITS);
  if (req instanceof Response) return req;
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    maxBatchSize: TRPC_MAX_BATCH_SIZE,
    createContext: ({ resHeaders }) => busyAsServiceUnavailable(() => createTRPCContext({ headers: req.headers, resHeaders })),
    // Every answer is per user: never cached. A busy database (503) says when to retry.
    responseMeta({ errors }) {
      const headers = new Headers({ "cache-control": "no-store" });
      if (errors.some((e) => e.code === "SERVICE_UNAVAILABLE")) headers.set("retry-after", String(RETRY_AFTER_SECONDS));
      return { headers };
    },
    onError({ error, path }) {
      // Expected failures (4xx) are answers, not incidents; only log what is really broken. No inputs: they may hold PII.
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
      else if (isDatabaseBusy(error.cause)) console.warn(`tRPC ${path ?? "?"}: database busy (no pool connection in time)`);
    },
  });
}

// The session lookup runs before any procedure middleware, so a busy database there is mapped here.
async function busyAsServiceUnavailable<T>(create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (cause) {
    if (isDatabaseBusy(cause)) throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: DATABASE_BUSY_MESSAGE, cause });
    throw cause;
  }
}

export { handler as GET, handler as POST };
