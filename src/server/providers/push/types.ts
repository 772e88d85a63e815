export interface PushTarget {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushMessage {
  title: string;
  body: string;
  url?: string;
  /** The outbox id: push services have no idempotency header, the service worker can dedupe by it. */
  idempotencyKey?: string;
}

export interface PushProvider {
  readonly name: "web-push" | "local";
  send(target: PushTarget, message: PushMessage): Promise<{ id: string }>;
}

/** `gone`: the subscription no longer exists (404/410) and should be deleted. */
export class PushDeliveryError extends Error {
  override name = "PushDeliveryError";
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly gone = false,
  ) {
    super(message);
  }
}

/** A push endpoint is a capability URL: log its origin only. */
export function maskEndpoint(endpoint: string): string {
  try {
    return `${new URL(endpoint).origin}/…`;
  } catch {
    return "(invalid endpoint)";
  }
}
