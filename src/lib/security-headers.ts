// The security headers of every response: next.config.ts sends the fixed ones on every path (pages, API,
// assets) and the API's CSP; src/proxy.ts sends the pages' CSP with a fresh script nonce per request.
// Edit here when the app starts loading something from another origin (analytics, an image CDN, a
// payment iframe): the CSP below blocks it until its origin is listed in the matching directive.
// No imports: next.config.ts loads this file before the app is built.

export type SecurityHeadersOptions = {
  /** `next dev`: React's dev tooling needs eval, and HMR talks over a websocket. Never HSTS on localhost. */
  dev: boolean;
};

/** Next.js reads the nonce from the request's CSP header and puts it on its own scripts; app code reads it here. */
export const NONCE_HEADER = "x-nonce";

/** 128 random bits, base64: unguessable and new for every page request. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The pages' CSP. Scripts run only with the nonce (`'strict-dynamic'` lets those load the app's chunks;
 * `'self'` is the fallback of browsers without CSP 3). Inline styles stay allowed: React's `style`
 * props and the dev mailbox's emails (its sandboxed `srcDoc` iframe inherits this policy) need them.
 */
export function pageContentSecurityPolicy({ nonce, dev }: SecurityHeadersOptions & { nonce: string }): string {
  return serialize({
    "default-src": ["'self'"],
    "script-src": ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(dev ? ["'unsafe-eval'"] : [])],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'", ...(dev ? ["ws:", "wss:"] : [])],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  });
}

/** One page request's policy: a new nonce and the CSP that allows scripts carrying it. */
export function createPagePolicy({ dev }: SecurityHeadersOptions): { nonce: string; contentSecurityPolicy: string } {
  const nonce = createNonce();
  return { nonce, contentSecurityPolicy: pageContentSecurityPolicy({ nonce, dev }) };
}

/** The API answers JSON (and Better Auth's redirects): nothing in it may load or run anything, or be framed. */
export const API_CONTENT_SECURITY_POLICY = serialize({ "default-src": ["'none'"], "frame-ancestors": ["'none'"] });

/**
 * Features no page uses, switched off for the app and anything it embeds. Only names Chromium knows: it logs
 * an error for each unknown one on every page (e.g. "bluetooth", "interest-cohort").
 */
const PERMISSIONS_POLICY = [
  "accelerometer",
  "autoplay",
  "camera",
  "display-capture",
  "geolocation",
  "gyroscope",
  "hid",
  "magnetometer",
  "microphone",
  "midi",
  "payment",
  "serial",
  "usb",
  "browsing-topics",
]
  .map((feature) => `${feature}=()`)
  .join(", ");

/** The headers every response carries, whatever its path. */
export function commonSecurityHeaders({ dev }: SecurityHeadersOptions): Record<string, string> {
  return {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    // Two years, as the HSTS preload list asks; only from production builds, which run behind HTTPS.
    ...(dev ? {} : { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" }),
  };
}

/** next.config.ts `headers()`: the common headers everywhere, the API's CSP on /api. Pages get theirs from the proxy. */
export function configSecurityHeaders(options: SecurityHeadersOptions) {
  return [
    { source: "/:path*", headers: toList(commonSecurityHeaders(options)) },
    { source: "/api/:path*", headers: toList({ "Content-Security-Policy": API_CONTENT_SECURITY_POLICY }) },
  ];
}

function serialize(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(" ")}`)
    .join("; ");
}

function toList(headers: Record<string, string>) {
  return Object.entries(headers).map(([key, value]) => ({ key, value }));
}
