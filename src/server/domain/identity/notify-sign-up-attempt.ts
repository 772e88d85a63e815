import { createHash } from "node:crypto";
import { env } from "@/env";
import { localePath, type Locale } from "@/i18n/routing";
import type { Db, DbTx } from "@/server/db/client";
import { notify } from "@/server/domain/notifications/notify";

export interface NotifySignUpAttemptInput {
  /** The account whose address someone tried to sign up with. */
  userId: string;
  /** Names this attempt (Better Auth's made-up user id for it): one mail per attempt, a retried hook sends none. */
  attemptId: string;
  locale: Locale;
}

/**
 * Tells an account's holder that someone tried to sign up with its address, with links to sign in
 * and to reset the password. The sign-up itself answers as for a new address, so this mail is the
 * only place where "this address already has an account" is said, and only to the address itself.
 */
export async function notifySignUpAttempt(db: Db | DbTx, input: NotifySignUpAttemptInput) {
  const user = await db.user.findUnique({ where: { id: input.userId }, select: { name: true } });
  if (!user) return;
  const origin = env.APP_URL.replace(/\/+$/, "");
  // Hashed: the key has a fixed length whatever the attempt id is, and carries nothing of the attempt.
  const attempt = createHash("sha256").update(input.attemptId).digest("base64url").slice(0, 32);
  await notify(db, {
    event: "auth.sign-up-attempt",
    recipients: [{ userId: input.userId, locale: input.locale }],
    data: {
      name: user.name,
      url: `${origin}${localePath(input.locale, "/sign-in")}`,
      resetPasswordUrl: `${origin}${localePath(input.locale, "/forgot-password")}`,
    },
    idempotencyKey: `sign-up-attempt:${attempt}`,
  });
}
