/**
 * Cross-site request refusal for the API routes (tRPC and Better Auth), so a page on another site
 * cannot make a signed-in browser change anything. One rule for both, the same origin Better Auth
 * trusts (`trustedOrigins: [env.APP_URL]` in src/server/auth.ts; in development the dev launcher sets
 * APP_URL to the port it serves, scripts/lib/dev-launcher.ts). Edit both places together.
 *
 * Only what a browser sends is judged: Origin and Sec-Fetch-Site are set by the browser and a page
 * cannot forge them. A request carrying neither (curl, server-to-server callers, the internal
 * router's bearer-token callers, scripts) is not a browser's cross-site request and passes.
 */
import { env } from "@/env";
import { jsonError } from "./api-responses";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The app's own origin (scheme, host, port of APP_URL). */
export function appOrigin(): string {
  return new URL(env.APP_URL).origin;
}

/** True for the app's own origin only; "null" (sandboxed frames, some redirects) is never trusted. */
export function isTrustedOrigin(origin: string | null): boolean {
  if (!origin || origin === "null") return false;
  try {
    return new URL(origin).origin === appOrigin();
  } catch {
    return false;
  }
}

/**
 * A 403 for a state-changing request (not GET/HEAD/OPTIONS) a browser sent from another site: an
 * Origin that is not the app's (including "null"), or Sec-Fetch-Site "cross-site" / "same-site" (a
 * sibling subdomain is another site for us). Null when the request may go on.
 */
export function refuseCrossSiteRequest(req: Request): Response | null {
  if (SAFE_METHODS.has(req.method)) return null;
  const origin = req.headers.get("origin");
  const site = req.headers.get("sec-fetch-site");
  const crossSite = (origin !== null && !isTrustedOrigin(origin)) || site === "cross-site" || site === "same-site";
  if (!crossSite) return null;
  return jsonError(403, "CROSS_SITE_REQUEST", "Cross-site requests are not allowed");
}
