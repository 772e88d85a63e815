import type { IncomingMessage, ServerResponse } from "node:http";
import { trustedClientAddress } from "./client-address";

// What `npm start` (scripts/start.ts) does to every request before Next sees it. Kept apart from the
// server so tests can put it in front of any handler (tests/integration/auth-throttling.test.ts).

export type NodeRequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** A request path `decodeURIComponent` cannot decode ("/%", "/api/auth/%zz"); Next answers those with 500. */
export function isMalformedPath(url: string): boolean {
  const path = url.split("?", 1)[0] ?? "";
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

/**
 * Refuses malformed paths with 400, then replaces X-Forwarded-For with the one client address we
 * trust (client-address.ts), so everything after (Next, Better Auth, tRPC context) can read it from
 * there. Without an address (a socket closed already) the header is removed rather than left as the
 * client wrote it.
 */
export function withTrustedClientAddress(handler: NodeRequestHandler, options: { trustedProxies: number }): NodeRequestHandler {
  return (req, res) => {
    if (isMalformedPath(req.url ?? "/")) {
      res.writeHead(400, { "content-length": "0", "cache-control": "no-store" });
      res.end();
      return;
    }
    const address = trustedClientAddress({
      socketAddress: req.socket.remoteAddress,
      forwardedFor: req.headers["x-forwarded-for"],
      trustedProxies: options.trustedProxies,
    });
    if (address) req.headers["x-forwarded-for"] = address;
    else delete req.headers["x-forwarded-for"];
    return handler(req, res);
  };
}
