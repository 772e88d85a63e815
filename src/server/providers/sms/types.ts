export interface SmsMessage {
  /** E.164 phone number. */
  to: string;
  body: string;
  /** The outbox id; providers that support one pass it on, the local one logs it. */
  idempotencyKey?: string;
}

export interface SmsProvider {
  readonly name: "twilio" | "local";
  send(message: SmsMessage): Promise<{ id: string }>;
}

/** `retryable` false: the provider refused the message itself (4xx), sending it again cannot help. */
export class SmsDeliveryError extends Error {
  override name = "SmsDeliveryError";
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** "+4915112345678" -> "+49*********78": enough to tell numbers apart in a log, not enough to text one. */
export function maskPhone(phone: string): string {
  if (phone.length <= 5) return "*".repeat(phone.length);
  return `${phone.slice(0, 3)}${"*".repeat(phone.length - 5)}${phone.slice(-2)}`;
}
