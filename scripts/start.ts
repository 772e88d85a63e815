/**
 * `npm start`: the production server (after `npm run build`). Next's own request handler, behind
 * src/server/http/trusted-request.ts: a malformed path is answered 400, and X-Forwarded-For is
 * replaced by the one client address we trust (TRUSTED_PROXIES, src/env.ts) before Next, Better Auth
 * or tRPC read it. Otherwise what `next start` does: -p/--port or PORT (3000), -H/--hostname or
 * HOSTNAME (all interfaces), --keepAliveTimeout or KEEP_ALIVE_TIMEOUT (ms), NODE_ENV=production,
 * instrumentation (a missing BETTER_AUTH_SECRET exits 1 with the reason), and on SIGTERM/SIGINT it
 * stops taking connections, lets running requests finish and exits 143/130.
 *
 * Edit this file together with scripts/e2e-server.ts (which starts it) when you change how the
 * server starts; request handling belongs in trusted-request.ts.
 */
import http from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";

const usage = "Usage: npm start -- [directory] [-p|--port <port>] [-H|--hostname <host>] [--keepAliveTimeout <ms>]";

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(1);
}

function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) fail(`${name} must be a whole number, got "${value}".`);
  return n;
}

function parseCli() {
  try {
    return parseArgs({
      options: {
        port: { type: "string", short: "p" },
        hostname: { type: "string", short: "H" },
        keepAliveTimeout: { type: "string" },
      },
      allowPositionals: true,
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
}
const args = parseCli();

const dir = path.resolve(args.positionals[0] ?? ".");
const port = positiveInteger("The port", args.values.port ?? process.env.PORT) ?? 3000;
if (port > 65535) fail(`The port must be at most 65535, got ${port}.`);
// Unset: every interface, as `next start`.
const hostname = args.values.hostname ?? (process.env.HOSTNAME || undefined);
const keepAliveTimeout = positiveInteger("keepAliveTimeout", args.values.keepAliveTimeout ?? process.env.KEEP_ALIVE_TIMEOUT);

// Before Next and the app's modules load: they read it at import.
(process.env as Record<string, string | undefined>).NODE_ENV ||= "production";

const { default: next } = await import("next");
const { withTrustedClientAddress } = await import("../src/server/http/trusted-request");

const server = http.createServer();
if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout;
// Next's request URLs (NextURL, what src/proxy.ts sees) call every loopback address "localhost", while
// Next takes a rewrite to a host other than the `hostname` given here for an external one, fetches it and
// passes its answer on. Given "127.0.0.1", each default-locale page's rewrite (/ -> /en) would come back
// as next-intl's 307 to "/" for ever. So Next is told "localhost" for any loopback address; the server
// still listens on the address asked for.
const LOOPBACK_ADDRESS = /^(?:127(?:\.\d{1,3}){3}|::1|\[::1\])$/;
const nextHostname = !hostname || LOOPBACK_ADDRESS.test(hostname) ? "localhost" : hostname;
const app = next({ dev: false, dir, hostname: nextHostname, port, httpServer: server });

// Like `next start`, the port opens at once and requests wait for the app to be ready.
const ready = (async () => {
  // Loads the .env files and runs instrumentation (src/instrumentation-node.ts exits on a missing secret).
  await app.prepare();
  // Read after prepare, so TRUSTED_PROXIES may come from a .env file too; an invalid value stops here.
  const { env } = await import("../src/env");
  return withTrustedClientAddress(app.getRequestHandler(), { trustedProxies: env.TRUSTED_PROXIES });
})();
ready.catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

server.on("request", (req, res) => {
  ready
    .then(async (handle) => {
      try {
        await handle(req, res);
      } catch (error) {
        // As `next start`: a handler that throws is a 500 and a log line, not a crashed server.
        console.error("Failed to handle a request:", error);
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end("Internal Server Error");
      }
    })
    .catch(() => undefined);
});
server.on("error", (error) => {
  console.error(`Failed to start the server: ${error.message}`);
  process.exit(1);
});

server.listen(port, hostname, () => {
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const shown = !hostname || hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname.includes(":") ? `[${hostname}]` : hostname;
  const url = `http://${shown}:${actualPort}`;
  // As `next start` does: Next reads these (server actions forwarded between workers, absolute URLs).
  process.env.PORT = String(actualPort);
  process.env.__NEXT_PRIVATE_ORIGIN = url;
  ready.then(() => console.log(`▲ Ready on ${url}`)).catch(() => undefined);
});

let stopping = false;
function stop(signal: "SIGTERM" | "SIGINT") {
  if (stopping) return;
  stopping = true;
  // No new connections; idle keep-alive ones close now, busy ones after their response.
  server.close(() => {
    void app
      .close()
      .catch((error: unknown) => console.error(error))
      .finally(() => process.exit(signal === "SIGTERM" ? 143 : 130));
  });
  server.closeIdleConnections();
}
if (!process.env.NEXT_MANUAL_SIG_HANDLE) {
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
