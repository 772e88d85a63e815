import type { Prisma } from "@/generated/prisma/client";
import type { DbTx } from "@/server/db/client";
import { readMailboxPass } from "./pass";

// Who may read which messages of the dev mailbox (the local email provider's table). The one place
// that decides it: both mailbox pages ask resolveMailboxAccess, then list or open through it.
//
// - "open" (development, `npm run dev`, and tests): every message, as before; the page says so.
// - "own" (a production build with PLAYGROUND=1, i.e. a public demo): the mailbox holds every visitor's
//   verification, magic-link and password-reset links, so a visitor sees only mail to addresses they
//   have proved: their signed-in account's address, or, with the sign-up pass (pass.ts), the address
//   of the account their browser just created, while it is unverified and only mail sent since then.
//   Anonymous visitors see nothing. A message outside those grants is "not found", like a missing one.
// - "off" (no dev mailbox: Resend is configured, or a production build without PLAYGROUND=1): 404.

export type MailboxMode = "off" | "open" | "own";

export function mailboxMode(input: { nodeEnv: string; playground: boolean; provider: string }): MailboxMode {
  if (input.provider !== "dev-mailbox") return "off";
  if (input.nodeEnv !== "production") return "open";
  return input.playground ? "own" : "off";
}

/** Mail to `to`; with `since`, only mail stored at or after it (an unverified account's own mail). */
export interface MailboxGrant {
  to: string;
  since: Date | null;
}

export type MailboxAccess =
  | { kind: "everything" }
  | { kind: "own"; grants: [MailboxGrant, ...MailboxGrant[]] }
  /** Nothing to show: the page offers to sign in. */
  | { kind: "signedOut" };

export interface MailboxViewer {
  mode: Exclude<MailboxMode, "off">;
  /** The signed-in user's id, or null. */
  sessionUserId: string | null;
  /** The raw sign-up pass cookie, if the browser sent one. */
  passCookie: string | undefined;
  /** The auth secret the pass is signed with. */
  secret: string;
  now?: Date;
}

const userSelect = { id: true, email: true, emailVerified: true, createdAt: true } as const;

/**
 * An account's own mail: all of it once the address is verified; before that only what was sent since
 * the account was created (mail to the address from before, e.g. an invitation, is not theirs yet).
 */
const grantFor = (user: { email: string; emailVerified: boolean; createdAt: Date }): MailboxGrant => ({
  to: user.email.toLowerCase(),
  since: user.emailVerified ? null : user.createdAt,
});

export async function resolveMailboxAccess(db: DbTx, viewer: MailboxViewer): Promise<MailboxAccess> {
  if (viewer.mode === "open") return { kind: "everything" };
  const grants: MailboxGrant[] = [];
  if (viewer.sessionUserId) {
    const user = await db.user.findUnique({ where: { id: viewer.sessionUserId }, select: userSelect });
    if (user) grants.push(grantFor(user));
  }
  const pass = readMailboxPass(viewer.passCookie, { secret: viewer.secret, now: viewer.now });
  if (pass) {
    const user = await db.user.findUnique({ where: { id: pass.userId }, select: userSelect });
    // Only while the account the pass was issued for still has that address and is unverified: once
    // verified, its owner signs in (the verification link does that) and reads their mail as themselves.
    if (user && !user.emailVerified && user.email.toLowerCase() === pass.email) grants.push(grantFor(user));
  }
  const [first, ...rest] = grants;
  return first ? { kind: "own", grants: [first, ...rest] } : { kind: "signedOut" };
}

function scopeOf(access: Exclude<MailboxAccess, { kind: "signedOut" }>): Prisma.DevMailboxMessageWhereInput {
  if (access.kind === "everything") return {};
  return { OR: access.grants.map((g) => ({ to: g.to, ...(g.since ? { createdAt: { gte: g.since } } : {}) })) };
}

/** The addresses a visitor's mailbox shows (for the page's subtitle); empty for "everything". */
export function mailboxAddresses(access: MailboxAccess): string[] {
  return access.kind === "own" ? [...new Set(access.grants.map((g) => g.to))] : [];
}

/** The newest messages the visitor may see; `to` narrows the list, it never widens it. */
export async function listMailbox(db: DbTx, access: MailboxAccess, opts: { to?: string; take?: number } = {}) {
  if (access.kind === "signedOut") return [];
  const to = opts.to?.trim().toLowerCase().slice(0, 254);
  return db.devMailboxMessage.findMany({
    where: { AND: [scopeOf(access), to ? { to } : {}] },
    orderBy: { createdAt: "desc" },
    take: opts.take ?? 50,
    select: { id: true, to: true, subject: true, createdAt: true },
  });
}

/** One message, or null when it does not exist or is not the visitor's (the page answers 404 for both). */
export async function findMailboxMessage(db: DbTx, access: MailboxAccess, id: string) {
  if (access.kind === "signedOut") return null;
  return db.devMailboxMessage.findFirst({ where: { AND: [{ id }, scopeOf(access)] } });
}
