/**
 * Users and sessions made through the REAL sign-up and sign-in paths (tRPC me.signUp -> Better
 * Auth -> hooks -> this file's database), then a tRPC caller that carries the session cookie.
 */
import { randomBytes } from "node:crypto";
import { createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { getAuth } from "@/server/auth";
import { prisma } from "@/server/db/client";

export const TEST_PASSWORD = "correct-horse-battery";

export type Caller = ReturnType<typeof createCaller>;

/** A unique address per call, so tests in one file never collide. */
export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${randomBytes(4).toString("hex")}@example.com`;
}

/** A caller with no session (what a signed-out browser gets). */
export async function anonymousCaller(headers: Headers = new Headers()): Promise<Caller> {
  return createCaller(await createTRPCContext({ headers, session: null }));
}

/** A caller for the session in these headers, resolved by Better Auth exactly as a request would be. */
export async function callerFor(headers: Headers): Promise<Caller> {
  return createCaller(await createTRPCContext({ headers }));
}

/** `Set-Cookie` response headers -> a request `Cookie` header. */
export function cookieHeaderFrom(responseHeaders: Headers): string {
  return responseHeaders
    .getSetCookie()
    .map((c) => c.split(";")[0]!.trim())
    .filter((pair) => !pair.endsWith("=")) // cleared cookies
    .join("; ");
}

export interface SignUpOptions {
  name?: string;
  email?: string;
  password?: string;
  marketingEmails?: boolean;
  locale?: "en" | "de";
}

/** me.signUp as the sign-up form calls it. */
export async function signUp(opts: SignUpOptions = {}) {
  const email = opts.email ?? uniqueEmail();
  const name = opts.name ?? "Ada Lovelace";
  const password = opts.password ?? TEST_PASSWORD;
  const caller = await anonymousCaller();
  const result = await caller.me.signUp({
    name,
    email,
    password,
    consents: { terms: true, marketingEmails: opts.marketingEmails ?? false },
    locale: opts.locale ?? "en",
  });
  // The answer never says which account the address has (an existing one answers like a new one), so
  // tests read it from the database: the account just created, or the one the address already had.
  const { id: userId } = await prisma.user.findUniqueOrThrow({ where: { email: email.toLowerCase() }, select: { id: true } });
  return { ...result, userId, name, password };
}

/** Marks the address verified, as following the emailed link does (the sign-up test follows the real link). */
export async function markEmailVerified(userId: string): Promise<void> {
  await prisma.user.update({ where: { id: userId }, data: { emailVerified: true } });
}

/** Better Auth's email sign-in; returns the request headers that carry the new session cookie. */
export async function signIn(email: string, password: string = TEST_PASSWORD): Promise<Headers> {
  const { headers } = await getAuth().api.signInEmail({ body: { email, password }, returnHeaders: true });
  const cookie = cookieHeaderFrom(headers);
  if (!cookie.includes("session_token")) throw new Error(`Sign-in set no session cookie (got: ${cookie || "nothing"})`);
  return new Headers({ cookie });
}

export interface SignedInUser {
  caller: Caller;
  userId: string;
  tenantId: string;
  email: string;
  password: string;
  headers: Headers;
}

/** Sign up, verify, sign in: a tenant owner with a session, and a tRPC caller acting as them. */
export async function signUpAndSignIn(opts: SignUpOptions = {}): Promise<SignedInUser> {
  const { userId, email, password } = await signUp(opts);
  await markEmailVerified(userId);
  const headers = await signIn(email, password);
  const membership = await prisma.tenantMember.findFirstOrThrow({ where: { userId }, orderBy: { createdAt: "asc" } });
  return { caller: await callerFor(headers), userId, tenantId: membership.tenantId, email, password, headers };
}
