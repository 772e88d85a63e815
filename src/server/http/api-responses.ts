/**
 * Answers the API route wrappers send themselves (refusals before tRPC or Better Auth run) and the
 * headers every API answer gets. Refusals are plain JSON `{ error: { code, message } }`: the app's own
 * clients never trigger them, so they need no tRPC envelope.
 */
import { DATABASE_BUSY_MESSAGE } from "@/server/db/pool-errors";

/** Seconds a client should wait before retrying when the database was busy. */
export const RETRY_AFTER_SECONDS = 2;

export function jsonError(status: number, code: string, message: string, headers?: HeadersInit): Response {
  const res = Response.json({ error: { code, message } }, { status, headers });
  res.headers.set("cache-control", "no-store");
  return res;
}

/** 503 + Retry-After: no database connection could be had in time (src/server/db/pool-errors.ts). */
export function databaseBusyResponse(): Response {
  return jsonError(503, "SERVICE_UNAVAILABLE", DATABASE_BUSY_MESSAGE, {
    "retry-after": String(RETRY_AFTER_SECONDS),
  });
}

/**
 * The same answer with `Cache-Control: no-store`: API answers are per user (sessions, tenant data) and
 * must not be kept by the browser or a shared cache. Copies the response, as a fetch/redirect
 * Response's headers may be immutable.
 */
export function withNoStore(res: Response): Response {
  const copy = new Response(res.body, res);
  copy.headers.set("cache-control", "no-store");
  return copy;
}
