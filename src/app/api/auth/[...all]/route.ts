import { getAuth } from "@/server/auth";
import { isDatabaseBusy } from "@/server/db/pool-errors";
import { databaseBusyResponse, jsonError, withNoStore } from "@/server/http/api-responses";
import { refuseCrossSiteRequest } from "@/server/http/cross-site";
import { AUTH_REQUEST_LIMITS, boundRequest, refuseOverlongAuthFields } from "@/server/http/request-limits";
import { withoutSessionTokens } from "@/server/http/session-token";

// Better Auth behind the same gates as tRPC (bad path, URL or body size -> 4xx, a browser's cross-site
// POST -> 403; Better Auth checks the origin of cookie-carrying requests itself too), plus field lengths
// its schemas leave open. Every answer: no-store, and no session token in the JSON (the cookie has it).
async function handler(incoming: Request): Promise<Response> {
  const refused = refuseCrossSiteRequest(incoming);
  if (refused) return refused;
  const req = await boundRequest(incoming, AUTH_REQUEST_LIMITS);
  if (req instanceof Response) return req;
  const overlong = await refuseOverlongAuthFields(req);
  if (overlong) return overlong;
  let res: Response;
  try {
    res = await getAuth().handler(req);
  } catch (error) {
    // onAPIError.throw (src/server/auth.ts): only unexpected errors get here. No request data in the log.
    if (isDatabaseBusy(error)) {
      console.warn(`auth ${new URL(req.url).pathname}: database busy (no pool connection in time)`);
      return databaseBusyResponse();
    }
    console.error(`auth ${new URL(req.url).pathname} failed:`, error);
    return jsonError(500, "INTERNAL_SERVER_ERROR", "Something went wrong");
  }
  return withNoStore(await withoutSessionTokens(res));
}

export { handler as GET, handler as POST };
