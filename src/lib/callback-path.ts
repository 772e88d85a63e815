const BASE = "http://callback.invalid";

/**
 * Where to go after signing in (`?callbackURL=` on /sign-in): a path of this app without its locale
 * prefix ("/dev/mailbox"), or null. Anything that would leave the app (another origin, "//host",
 * "/\host", a scheme) is refused: the query string is anyone's to write, and this must never be an open redirect.
 */
export function safeCallbackPath(raw: unknown): string | null {
  if (typeof raw !== "string" || !raw.startsWith("/") || raw.length > 512) return null;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE || url.pathname.startsWith("/api/")) return null;
  return `${url.pathname}${url.search}`;
}
