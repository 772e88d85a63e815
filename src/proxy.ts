import type { NextRequest } from "next/server";
import createMiddleware from "next-intl/middleware";
import { routing } from "./i18n/routing";
import { createPagePolicy, NONCE_HEADER } from "./lib/security-headers";

const intlMiddleware = createMiddleware(routing);

// Locale negotiation (URL, then NEXT_LOCALE cookie, then Accept-Language) and the pages' CSP with a fresh
// script nonce. Authentication is checked where data is read (layouts and tRPC procedures), never only here.
export default function proxy(request: NextRequest) {
  const { nonce, contentSecurityPolicy } = createPagePolicy({ dev: process.env.NODE_ENV === "development" });
  // Next.js finds the nonce in the request's CSP header while rendering and puts it on its scripts;
  // next-intl forwards the request headers it is given to the page.
  request.headers.set("Content-Security-Policy", contentSecurityPolicy);
  request.headers.set(NONCE_HEADER, nonce);
  const response = intlMiddleware(request);
  response.headers.set("Content-Security-Policy", contentSecurityPolicy);
  return response;
}

// Pages only: /api gets its headers from next.config.ts.
export const config = {
  matcher: ["/((?!api|_next|_vercel|.*\\..*).*)"],
};
