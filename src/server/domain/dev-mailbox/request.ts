import { env } from "@/env";
import { getAuth } from "@/server/auth";
import { resolveAuthSecret } from "@/server/auth-secret";
import { prisma } from "@/server/db/client";
import { emailProvider } from "@/server/providers/email";
import { mailboxMode, resolveMailboxAccess, type MailboxAccess } from "./access";
import { createMailboxPass, mailboxPassFrom, mailboxPassSetCookie } from "./pass";

// The dev mailbox's access rules (access.ts) applied to this process's environment and a request.

export const devMailboxMode = mailboxMode({ nodeEnv: env.NODE_ENV, playground: env.PLAYGROUND === "1", provider: emailProvider.name });

/** What the visitor sending these request headers may read; null where the mailbox is off (404). */
export async function mailboxAccessForRequest(headers: Headers): Promise<MailboxAccess | null> {
  if (devMailboxMode === "off") return null;
  const session = devMailboxMode === "own" ? await getAuth().api.getSession({ headers }) : null;
  return resolveMailboxAccess(prisma, {
    mode: devMailboxMode,
    sessionUserId: session?.user.id ?? null,
    passCookie: mailboxPassFrom(headers),
    secret: resolveAuthSecret(env),
  });
}

/**
 * After a sign-up that CREATED an account (`newUserId`; null when the address already had one, which
 * answers the same for anti-enumeration): the sign-up pass for that account, so this browser can read
 * its verification mail in the dev mailbox. Never for an existing address: that would hand its owner's
 * password-reset mail to whoever typed it in.
 */
export function issueSignUpMailboxPass(resHeaders: Headers | undefined, input: { newUserId: string | null; email: string }): void {
  if (!resHeaders || !input.newUserId || devMailboxMode === "off") return;
  const pass = createMailboxPass({ userId: input.newUserId, email: input.email, secret: resolveAuthSecret(env) });
  resHeaders.append("set-cookie", mailboxPassSetCookie(pass, { secure: new URL(env.APP_URL).protocol === "https:" }));
}
