import { randomUUID } from "node:crypto";
import { maskPhone, type SmsMessage, type SmsProvider } from "./types";

/** The local default: logs that an SMS would be sent (number masked, no body: it may carry a link or a name). */
export function createLocalSmsProvider(log: (line: string) => void = (line) => console.info(line)): SmsProvider {
  return {
    name: "local",
    async send(message: SmsMessage) {
      const id = `local-sms-${randomUUID()}`;
      log(`[sms:local] to=${maskPhone(message.to)} chars=${message.body.length} key=${message.idempotencyKey ?? "-"} id=${id}`);
      return { id };
    },
  };
}
