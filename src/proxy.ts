import createMiddleware from "next-intl/middleware";
import { routing } from "./i18n/routing";

// Locale negotiation only (URL, then NEXT_LOCALE cookie, then Accept-Language). Authentication is
// checked where data is read (layouts and tRPC procedures), never only here.
export default createMiddleware(routing);

export const config = {
  matcher: ["/((?!api|_next|_vercel|.*\\..*).*)"],
};
