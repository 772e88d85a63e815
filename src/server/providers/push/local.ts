import { randomUUID } from "node:crypto";
import { maskEndpoint, type PushMessage, type PushProvider, type PushTarget } from "./types";

/** The local default: logs that a push message would be sent (endpoint origin only, no content). */
export function createLocalPushProvider(log: (line: string) => void = (line) => console.info(line)): PushProvider {
  return {
    name: "local",
    async send(target: PushTarget, message: PushMessage) {
      const id = `local-push-${randomUUID()}`;
      log(`[push:local] to=${maskEndpoint(target.endpoint)} chars=${message.title.length + message.body.length} key=${message.idempotencyKey ?? "-"} id=${id}`);
      return { id };
    },
  };
}
