import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { MINUTE_MS } from "@/lib/time";

// The "your mailbox" pass of a playground sign-up: a visitor who just created an account cannot sign in
// before verifying, yet must read the verification mail. me.signUp sets this signed, HttpOnly cookie in
// the sign-up's browser, naming the new account; access.ts honours it only while that account is still
// unverified, and only for mail to its address sent since the account was created.

export const MAILBOX_PASS_COOKIE = "mailbox_pass";
/** Long enough to open the verification mail (and ask for it again), short enough to be forgotten. */
export const MAILBOX_PASS_TTL_MS = 45 * MINUTE_MS;
/** Signed with the auth secret, so this label keeps its MACs apart from anything else signed with it. */
const PURPOSE = "dev-mailbox-pass.v1";

export interface MailboxPass {
  userId: string;
  email: string;
  expiresAt: Date;
}

const payloadSchema = z.object({ u: z.string().min(1).max(200), e: z.string().min(3).max(254), x: z.number().int() });

const mac = (payload: string, secret: string) => createHmac("sha256", secret).update(`${PURPOSE}.${payload}`).digest("base64url");

/** The cookie value: base64url(JSON) "." base64url(HMAC-SHA256). */
export function createMailboxPass(input: { userId: string; email: string; secret: string; now?: Date }): string {
  const expiresAt = (input.now ?? new Date()).getTime() + MAILBOX_PASS_TTL_MS;
  const payload = Buffer.from(JSON.stringify({ u: input.userId, e: input.email.toLowerCase(), x: expiresAt })).toString("base64url");
  return `${payload}.${mac(payload, input.secret)}`;
}

/** The pass in a cookie value, or null when it is missing, malformed, tampered with or expired. */
export function readMailboxPass(value: string | null | undefined, opts: { secret: string; now?: Date }): MailboxPass | null {
  if (!value || value.length > 2048) return null;
  const parts = value.split(".");
  if (parts.length !== 2) return null;
  const [payload, given] = parts as [string, string];
  const expected = Buffer.from(mac(payload, opts.secret));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  let parsed: z.infer<typeof payloadSchema>;
  try {
    parsed = payloadSchema.parse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
  } catch {
    return null;
  }
  if (parsed.x <= (opts.now ?? new Date()).getTime()) return null;
  return { userId: parsed.u, email: parsed.e, expiresAt: new Date(parsed.x) };
}

/** The Set-Cookie header that hands the pass to the sign-up's browser (HttpOnly: scripts never see it). */
export function mailboxPassSetCookie(value: string, opts: { secure: boolean }): string {
  const attributes = [`Path=/`, `Max-Age=${MAILBOX_PASS_TTL_MS / 1000}`, "HttpOnly", "SameSite=Lax", ...(opts.secure ? ["Secure"] : [])];
  return `${MAILBOX_PASS_COOKIE}=${value}; ${attributes.join("; ")}`;
}

/** The pass cookie's value in a request's Cookie header. */
export function mailboxPassFrom(headers: Headers): string | undefined {
  for (const pair of (headers.get("cookie") ?? "").split(";")) {
    const [name, ...rest] = pair.trim().split("=");
    if (name === MAILBOX_PASS_COOKIE) return rest.join("=");
  }
  return undefined;
}
