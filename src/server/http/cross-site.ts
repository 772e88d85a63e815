/**
 * Cross-site request refusal for the API routes (tRPC and Better Auth), so a page on another site
 * cannot make a signed-in browser change anything. One rule for both: the origins of trustedOrigins()
 * below, which Better Auth trusts too (src/server/auth.ts). In production and tests that is APP_URL's
 * origin alone; in development also the other loopback names of the dev server (see below).
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

/** The names of this machine a browser may use for a dev server it runs. */
const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

/**
 * The origins a browser's request may come from: APP_URL's, and in development (NODE_ENV=development
 * only, never in production or tests) localhost, 127.0.0.1 and [::1] on the dev server's port, so the
 * dev server works whichever of them the developer opens. The port is PORT (the dev launcher passes the
 * one next dev listens on), else APP_URL's.
 */
export function trustedOriginsFor(input: { appUrl: string; nodeEnv: string; port?: string }): string[] {
  const app = new URL(input.appUrl);
  const origins = new Set([app.origin]);
  if (input.nodeEnv === "development") {
    const port = input.port?.trim() || app.port || (app.protocol === "https:" ? "443" : "80");
    const protocol = LOOPBACK_HOSTS.includes(app.hostname) ? app.protocol : "http:";
    for (const host of LOOPBACK_HOSTS) origins.add(new URL(`${protocol}//${host}:${port}`).origin);
  }
  return [...origins];
}

/** trustedOriginsFor this process's environment. */
export function trustedOrigins(): string[] {
  return trustedOriginsFor({ appUrl: env.APP_URL, nodeEnv: env.NODE_ENV, port: process.env.PORT });
}

/** True for a trusted origin only (trustedOrigins); "null" (sandboxed frames, some redirects) is never trusted. */
export function isTrustedOrigin(origin: string | null): boolean {
  if (!origin || origin === "null") return false;
  try {
    return trustedOrigins().includes(new URL(origin).origin);
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
