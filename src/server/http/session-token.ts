/**
 * Better Auth repeats the session token in JSON answers (`token` from /sign-in/email, /sign-up/email and
 * the two-factor verify endpoints, `session.token` from /get-session, each session's token from
 * /list-sessions). The HttpOnly cookie is what keeps it away from page scripts, so the auth route drops
 * it from every JSON body; cookies are untouched. Nothing in the app reads it (server code calls
 * getAuth().api directly and still gets it). Edit if a client that needs a bearer token is added.
 */
const MAX_DEPTH = 4;

export async function withoutSessionTokens(res: Response): Promise<Response> {
  if (!(res.headers.get("content-type") ?? "").toLowerCase().startsWith("application/json") || !res.body) return res;
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return new Response(text, res);
  }
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify(dropTokens(body, 0)), { status: res.status, statusText: res.statusText, headers });
}

function dropTokens(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== "object" || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => dropTokens(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== "token") out[k] = dropTokens(v, depth + 1);
  return out;
}
