/**
 * Requests to the API route handlers exactly as Next.js calls them (their exported GET / POST with a
 * real Request), so what the wrappers in src/server/http/ do is part of what a test sees.
 */
import { GET as authGET, POST as authPOST } from "@/app/api/auth/[...all]/route";
import { GET as trpcGET, POST as trpcPOST } from "@/app/api/trpc/[trpc]/route";

/** APP_URL in tests (tests/setup/per-file-db.ts): the app's own origin. */
export const APP_ORIGIN = "http://localhost:3000";

export interface ApiRequestInit {
  method?: "GET" | "POST";
  headers?: HeadersInit;
  /** An object is sent as JSON (with `content-type: application/json` unless headers say otherwise). */
  body?: unknown;
}

function toRequest(path: string, init: ApiRequestInit): Request {
  const method = init.method ?? (init.body === undefined ? "GET" : "POST");
  const headers = new Headers(init.headers);
  let body: BodyInit | undefined;
  if (init.body instanceof FormData || typeof init.body === "string") body = init.body;
  else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  return new Request(`${APP_ORIGIN}${path}`, { method, headers, body });
}

/** `path` starts with /api/auth/. */
export function authRequest(path: string, init: ApiRequestInit = {}): Promise<Response> {
  const req = toRequest(path, init);
  return req.method === "GET" ? authGET(req) : authPOST(req);
}

/** `path` starts with /api/trpc/. */
export function trpcRequest(path: string, init: ApiRequestInit = {}): Promise<Response> {
  const req = toRequest(path, init);
  return req.method === "GET" ? trpcGET(req) : trpcPOST(req);
}

/** A mutation's body as the tRPC client sends it (superjson, not batched). */
export const trpcInput = (input: unknown) => ({ json: input });

/** Headers of a signed-in browser on the app's own page: its cookie and its origin. */
export function sameOrigin(signedIn: Headers): Record<string, string> {
  return { cookie: signedIn.get("cookie") ?? "", origin: APP_ORIGIN, "sec-fetch-site": "same-origin" };
}
