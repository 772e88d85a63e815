import { Resend } from "resend";
import { EmailDeliveryError, type EmailMessage, type EmailProvider } from "./types";

export function createResendEmailProvider(opts: { apiKey: string; from: string; baseUrl?: string }): EmailProvider {
  let client: Resend | undefined;
  return {
    name: "resend",
    async send(message: EmailMessage) {
      client ??= new Resend(opts.apiKey, opts.baseUrl ? { baseUrl: opts.baseUrl } : undefined);
      const { data, error } = await client.emails.send(
        {
          from: opts.from,
          to: message.to,
          subject: message.subject,
          html: message.html,
          text: message.text,
          tags: Object.entries(message.tags ?? {}).map(([name, value]) => ({ name, value })),
        },
        message.idempotencyKey ? { idempotencyKey: message.idempotencyKey } : undefined,
      );
      if (error || !data) {
        const status = typeof error?.statusCode === "number" ? error.statusCode : undefined;
        throw new EmailDeliveryError(`Resend refused the email: ${error?.message ?? "no response"}`, status);
      }
      return { id: data.id };
    },
  };
}
