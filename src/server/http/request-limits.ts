/**
 * Bounds on what reaches tRPC and Better Auth, checked in their route handlers before either runs, so
 * malformed or oversized input is a 4xx and never a 500 (or a 3,000-character address in a database
 * index). Edit a limit here when a legitimate request grows past it; the numbers are in the README.
 */
import { jsonError } from "./api-responses";
import { isMalformedPath } from "./trusted-request";

export interface RequestLimits {
  /** The largest request body, in bytes (413 beyond). */
  maxBodyBytes: number;
  /** true: a POST must be `application/json`, even when empty (tRPC). false: only a non-empty body must be. */
  jsonPostsOnly: boolean;
}

/**
 * tRPC: the largest legitimate body is usage.ingestBatch with 1,000 events (USAGE_BATCH_MAX_EVENTS) of
 * 200-character idempotency keys, project ids and dates: 590 kB in the worst case (every key character
 * JSON-escaped), 220 kB typically. 768 KiB leaves room for pretty-printed JSON and refuses a 1 MB field.
 */
export const TRPC_REQUEST_LIMITS: RequestLimits = { maxBodyBytes: 768 * 1024, jsonPostsOnly: true };

/** Better Auth: credentials, codes and links are small; 64 KiB is far beyond any of its requests. */
export const AUTH_REQUEST_LIMITS: RequestLimits = { maxBodyBytes: 64 * 1024, jsonPostsOnly: false };

/** Longer URLs (tRPC GET inputs ride in the query string) are refused; Node's own header limit is 16 KiB too. */
export const MAX_URL_LENGTH = 16 * 1024;

/** RFC 5321: a forward path is at most 256 octets including the angle brackets, so an address at most 254. */
export const MAX_EMAIL_LENGTH = 254;
/**
 * Any other string in an auth request body. Better Auth bounds passwords (128, src/server/auth.ts) but
 * not names, callback URLs or tokens; none of them is legitimately near this.
 */
export const MAX_AUTH_STRING_LENGTH = 4_096;

const BODYLESS_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The request with its body read into memory (at most limits.maxBodyBytes), or the refusal to send:
 * 400 for a path that is not valid percent-encoding (tRPC's decodeURIComponent threw a 500 on
 * `/api/trpc/%`), 414 for an overlong URL, 415 for a POST body that is not JSON, 413 for a body over
 * the limit (by Content-Length, or while reading when it lies or is absent).
 */
export async function boundRequest(req: Request, limits: RequestLimits): Promise<Request | Response> {
  if (req.url.length > MAX_URL_LENGTH) return jsonError(414, "URI_TOO_LONG", "The request URL is too long");
  if (isMalformedPath(new URL(req.url).pathname)) return jsonError(400, "MALFORMED_PATH", "The request path is not valid");
  if (BODYLESS_METHODS.has(req.method)) return req;

  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > limits.maxBodyBytes) return tooLarge(limits);
  let body: Uint8Array<ArrayBuffer> | null;
  try {
    body = await readAtMost(req, limits.maxBodyBytes);
  } catch {
    return jsonError(400, "UNREADABLE_BODY", "The request body could not be read"); // the client went away mid-upload
  }
  if (body === null) return tooLarge(limits);

  const isJson = mediaType(req.headers.get("content-type")) === "application/json";
  if (req.method === "POST" && !isJson && (limits.jsonPostsOnly || body.byteLength > 0)) {
    return jsonError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the request body as application/json");
  }
  return new Request(req.url, { method: req.method, headers: req.headers, body: body.byteLength > 0 ? body : null, signal: req.signal });
}

/**
 * A 400 when an auth JSON body holds an `email` longer than MAX_EMAIL_LENGTH or any string longer than
 * MAX_AUTH_STRING_LENGTH (Better Auth's schemas have no maxima for most fields); null when it may go
 * on. Invalid JSON is a 400 too. Reads a clone: the request stays readable.
 */
export async function refuseOverlongAuthFields(req: Request): Promise<Response | null> {
  if (BODYLESS_METHODS.has(req.method) || mediaType(req.headers.get("content-type")) !== "application/json") return null;
  const text = await req.clone().text();
  if (text.trim() === "") return null;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return jsonError(400, "INVALID_JSON", "The request body is not valid JSON");
  }
  const problem = findOverlongString(body, null, 0);
  return problem ? jsonError(400, "FIELD_TOO_LONG", problem) : null;
}

function findOverlongString(value: unknown, key: string | null, depth: number): string | null {
  if (typeof value === "string") {
    const isEmail = key !== null && /email$/i.test(key);
    if (isEmail && value.length > MAX_EMAIL_LENGTH) return `An email address has at most ${MAX_EMAIL_LENGTH} characters`;
    if (value.length > MAX_AUTH_STRING_LENGTH) return `A field has at most ${MAX_AUTH_STRING_LENGTH.toLocaleString("en-US")} characters`;
    return null;
  }
  if (value === null || typeof value !== "object" || depth > 8) return null;
  for (const [k, v] of Object.entries(value)) {
    const found = findOverlongString(v, Array.isArray(value) ? key : k, depth + 1);
    if (found) return found;
  }
  return null;
}

function tooLarge(limits: RequestLimits): Response {
  return jsonError(413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${Math.round(limits.maxBodyBytes / 1024)} KiB`);
}

function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/** The body's bytes, or null as soon as it exceeds max (the rest is not read). */
async function readAtMost(req: Request, max: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
