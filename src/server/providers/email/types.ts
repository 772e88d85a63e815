export interface EmailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Searchable labels (template name, locale); never personal data. */
  tags?: Record<string, string>;
  /** Resend keeps these for 24 h, so a retried job does not send twice. */
  idempotencyKey?: string;
}

export interface EmailProvider {
  readonly name: "resend" | "dev-mailbox";
  send(message: EmailMessage): Promise<{ id: string }>;
}

export class EmailDeliveryError extends Error {
  override name = "EmailDeliveryError";
}
