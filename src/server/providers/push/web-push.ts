import type * as WebPush from "web-push";
import { PushDeliveryError, type PushMessage, type PushProvider, type PushTarget } from "./types";

/**
 * Web Push with the `web-push` library for what is hard (VAPID signing, aes128gcm payload encryption)
 * and fetch for the request, so the call has a timeout and a push service fake in tests can be plain
 * HTTP (the library's own sender only speaks https).
 */
export function createWebPushProvider(opts: { publicKey: string; privateKey: string; subject: string }): PushProvider {
  let lib: typeof WebPush | undefined;
  return {
    name: "web-push",
    async send(target: PushTarget, message: PushMessage) {
      lib ??= ((await import("web-push")) as unknown as { default: typeof WebPush }).default;
      const payload = JSON.stringify({ title: message.title, body: message.body, url: message.url, id: message.idempotencyKey });
      const request = lib.generateRequestDetails(target, payload, {
        vapidDetails: { subject: opts.subject, publicKey: opts.publicKey, privateKey: opts.privateKey },
        TTL: 24 * 60 * 60,
        contentEncoding: "aes128gcm",
      });
      let res: Response;
      try {
        res = await fetch(request.endpoint, {
          method: request.method,
          headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
          body: request.body ? new Uint8Array(request.body) : undefined,
          signal: AbortSignal.timeout(15_000),
        });
      } catch (error) {
        throw new PushDeliveryError(`Push service could not be reached: ${(error as Error).message}`, true);
      }
      if (res.ok) return { id: res.headers.get("location") ?? `${res.status}` };
      const body = (await res.text().catch(() => "")).slice(0, 200);
      // 404/410: the browser dropped the subscription; 429/5xx: the push service's trouble, retry.
      const gone = res.status === 404 || res.status === 410;
      throw new PushDeliveryError(`Push service answered ${res.status}: ${body || "no body"}`, res.status === 429 || res.status >= 500, res.status, gone);
    },
  };
}
