import { z } from "zod";
import type { Locale } from "@/i18n/routing";
import { isLocale } from "@/i18n/routing";
import type { DbTx } from "@/server/db/client";
import { defineJob, PermanentJobError } from "@/server/domain/jobs";
import { emailProvider as defaultEmailProvider } from "@/server/providers/email";
import { EmailDeliveryError, type EmailProvider } from "@/server/providers/email/types";
import { pushProvider as defaultPushProvider } from "@/server/providers/push";
import { PushDeliveryError, type PushProvider } from "@/server/providers/push/types";
import { smsProvider as defaultSmsProvider } from "@/server/providers/sms";
import { SmsDeliveryError, type SmsProvider } from "@/server/providers/sms/types";
import { isEmailTemplate, renderEmail, type EmailTemplate, type EmailTemplateProps } from "./send-email";

export interface DeliveryProviders {
  email: EmailProvider;
  sms: SmsProvider;
  push: PushProvider;
}

const defaultProviders = (): DeliveryProviders => ({ email: defaultEmailProvider, sms: defaultSmsProvider, push: defaultPushProvider });

const MISSING_ROW_ATTEMPTS = 3;

export type DeliveryOutcome = { status: "sent"; providerMessageId: string } | { status: "already-done"; was: string } | { status: "failed"; reason: string };

/**
 * Sends one outbox row through its channel's provider, with the row id as the provider's idempotency
 * key, so a retry after a crash between "sent" and "marked" does not send twice (Resend keeps keys
 * 24 h; the dev mailbox forever). Throws to be retried (provider down, 429, 5xx); a refusal (other 4xx)
 * marks the row failed and throws PermanentJobError. A row that is no longer pending is left alone.
 */
export async function deliverOutboxMessage(
  db: DbTx,
  input: { outboxId: string; providers?: Partial<DeliveryProviders>; attempt?: number },
): Promise<DeliveryOutcome> {
  const providers = { ...defaultProviders(), ...input.providers };
  const row = await db.notificationOutbox.findUnique({ where: { id: input.outboxId } });
  if (!row) {
    // On Trigger.dev the job is triggered before notify's transaction commits, so the first run can
    // come too early; a row still missing after a few tries was rolled back and there is nothing to send.
    const message = `Outbox message ${input.outboxId} does not exist`;
    if ((input.attempt ?? MISSING_ROW_ATTEMPTS) < MISSING_ROW_ATTEMPTS) throw new Error(`${message} (yet)`);
    throw new PermanentJobError(message);
  }
  if (row.status !== "pending") return { status: "already-done", was: row.status };
  await db.notificationOutbox.update({ where: { id: row.id }, data: { attempts: { increment: 1 } } });

  const fail = async (reason: string): Promise<never> => {
    await db.notificationOutbox.updateMany({ where: { id: row.id, status: "pending" }, data: { status: "failed", lastError: reason.slice(0, 2000) } });
    throw new PermanentJobError(reason);
  };
  const retryLater = async (error: Error): Promise<never> => {
    await db.notificationOutbox.update({ where: { id: row.id }, data: { lastError: error.message.slice(0, 2000) } });
    throw error;
  };

  if (!isEmailTemplate(row.template)) return fail(`Unknown template "${row.template}"`);
  const locale: Locale = isLocale(row.locale) ? row.locale : "en";
  const props = { ...(row.data as Record<string, unknown>), locale } as EmailTemplateProps<EmailTemplate>;
  const rendered = await renderEmail(row.template, props).catch((error: unknown) => fail(`Template ${row.template} failed to render: ${(error as Error).message}`));
  const url = typeof (props as { url?: unknown }).url === "string" ? (props as { url: string }).url : undefined;

  let providerMessageId: string;
  try {
    switch (row.channel) {
      case "email":
        ({ id: providerMessageId } = await providers.email.send({
          to: row.recipient,
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          tags: { template: row.template, locale, event: row.event.replace(/[^a-zA-Z0-9_-]/g, "_") },
          idempotencyKey: row.id,
        }));
        break;
      case "sms":
        ({ id: providerMessageId } = await providers.sms.send({
          to: row.recipient,
          body: [rendered.subject, url].filter(Boolean).join(" "),
          idempotencyKey: row.id,
        }));
        break;
      case "push": {
        const subscription = await db.pushSubscription.findUnique({ where: { endpoint: row.recipient } });
        if (!subscription) return fail("The push subscription no longer exists");
        ({ id: providerMessageId } = await providers.push.send(
          { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
          { title: rendered.subject, body: rendered.preview, url, idempotencyKey: row.id },
        ));
        break;
      }
      default:
        return fail(`Unknown channel "${row.channel}"`);
    }
  } catch (error) {
    if (error instanceof PermanentJobError) throw error;
    if (error instanceof PushDeliveryError && error.gone) {
      await db.pushSubscription.deleteMany({ where: { endpoint: row.recipient } });
    }
    if (error instanceof EmailDeliveryError || error instanceof SmsDeliveryError || error instanceof PushDeliveryError) {
      return error.retryable ? retryLater(error) : fail(error.message);
    }
    return retryLater(error as Error);
  }

  await db.notificationOutbox.updateMany({
    where: { id: row.id, status: "pending" },
    data: { status: "sent", providerMessageId, sentAt: new Date(), lastError: null },
  });
  return { status: "sent", providerMessageId };
}

export const deliverNotification = defineJob({
  name: "notifications.deliver",
  parse: (payload) => z.object({ outboxId: z.string().min(1) }).parse(payload),
  // Providers recover within minutes; after ~1 h of retries the row stays pending for an admin retry.
  retry: { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 15 * 60_000 },
  run: ({ outboxId }, ctx) => deliverOutboxMessage(ctx.db, { outboxId, attempt: ctx.attempt }),
});
