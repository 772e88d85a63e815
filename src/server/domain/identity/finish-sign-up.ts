import type { Locale } from "@/i18n/routing";
import type { Db, DbTx } from "@/server/db/client";
import { lockUserProvisioning } from "@/server/db/locks";
import { inTransaction } from "@/server/db/transaction";
import { notify } from "@/server/domain/notifications/notify";
import { recordSignUpConsents, type SignUpConsents } from "@/server/domain/privacy/consents";
import { hasPendingInvitation } from "@/server/domain/tenancy/invitations/accept-invitation";
import { defaultTenantName } from "@/server/domain/tenancy/provision-tenant";
import { provisionTenantForNewUser } from "@/server/domain/tenancy/single-tenant";

export interface FinishSignUpInput {
  /** The account Better Auth created for the sign-up. */
  userId: string;
  /** The link the verification mail carries; used only when the mail is queued by this call. */
  verificationUrl: string;
  locale: Locale;
  /** What the sign-up form recorded; absent when a sign-in or a bare API call finishes the sign-up. */
  consents?: SignUpConsents;
}

// The sign-up's one verification mail: the same key whichever call queues it. Links the user asks for
// later (/send-verification-email) are keyed by their own token (src/server/auth.ts).
const signUpMailKey = (userId: string) => `sign-up-verification:${userId}`;

/** Whether the sign-up's verification mail is queued, i.e. the sign-up finished (notify keys each message `<key>:<channel>:...`). */
async function isSignUpFinished(db: Db | DbTx, userId: string): Promise<boolean> {
  const queued = await db.notificationOutbox.count({ where: { userId, idempotencyKey: { startsWith: `${signUpMailKey(userId)}:` } } });
  return queued > 0;
}

/**
 * What a sign-up does once Better Auth has created the account: the user's workspace (journey 1; an
 * address with a pending invitation gets its workspaces at its first session instead), the consents of
 * the form and the one verification mail, written in ONE transaction under the user's provisioning lock.
 * A failed attempt (under load the transaction runs out of time) therefore leaves none of them behind,
 * and calling this again finishes the sign-up exactly once, however many calls race: the retried
 * sign-up, the first sign-in (src/server/domain/identity/sign-up-auth-plugin.ts).
 *
 * `wasUnfinished`: the sign-up was not finished when this was called (it is now, by this call or a
 * concurrent one). False means the account's sign-up had finished before: a new attempt on it.
 */
export async function finishSignUp(db: Db | DbTx, input: FinishSignUpInput): Promise<{ wasUnfinished: boolean }> {
  if (await isSignUpFinished(db, input.userId)) return { wasUnfinished: false };
  await inTransaction(db, async (tx) => {
    await lockUserProvisioning(tx, input.userId);
    // A concurrent call finished it while this one waited for the lock.
    if (await isSignUpFinished(tx, input.userId)) return;
    const user = await tx.user.findUniqueOrThrow({ where: { id: input.userId }, select: { name: true, email: true } });
    if (!(await hasPendingInvitation(tx, { email: user.email }))) {
      await provisionTenantForNewUser(tx, { userId: input.userId, tenantName: defaultTenantName(user.name, input.locale) });
    }
    if (input.consents) await recordSignUpConsents(tx, input.userId, input.consents);
    await notify(tx, {
      event: "auth.verify-email",
      recipients: [{ email: user.email, locale: input.locale }],
      data: { name: user.name, url: input.verificationUrl },
      idempotencyKey: signUpMailKey(input.userId),
    });
  });
  return { wasUnfinished: true };
}
