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
  /** `status`: the provider's HTTP status; undefined when it gave none (unreachable). */
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }

  /** No answer, 429 and 5xx may pass on a retry; any other 4xx is a refusal of this message. */
  get retryable(): boolean {
    return this.status === undefined || this.status === 429 || this.status >= 500;
  }
}
