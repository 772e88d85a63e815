import { SmsDeliveryError, type SmsMessage, type SmsProvider } from "./types";

// Twilio's REST API over fetch instead of the `twilio` SDK: the SDK pulls in axios and several MB of
// generated clients for the one call we make. API version 2010-04-01 is Twilio's current (and only) one.
export function createTwilioSmsProvider(opts: { accountSid: string; authToken: string; from: string; baseUrl?: string }): SmsProvider {
  const base = (opts.baseUrl ?? "https://api.twilio.com").replace(/\/+$/, "");
  const auth = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString("base64")}`;
  return {
    name: "twilio",
    async send(message: SmsMessage) {
      const form = new URLSearchParams({ To: message.to, Body: message.body });
      form.set(opts.from.startsWith("MG") ? "MessagingServiceSid" : "From", opts.from);
      let res: Response;
      try {
        res = await fetch(`${base}/2010-04-01/Accounts/${encodeURIComponent(opts.accountSid)}/Messages.json`, {
          method: "POST",
          headers: {
            authorization: auth,
            "content-type": "application/x-www-form-urlencoded",
            // Twilio dedupes requests that carry the same token (within a short window).
            ...(message.idempotencyKey ? { "I-Twilio-Idempotency-Token": message.idempotencyKey } : {}),
          },
          body: form,
          signal: AbortSignal.timeout(15_000),
        });
      } catch (error) {
        throw new SmsDeliveryError(`Twilio could not be reached: ${(error as Error).message}`, true);
      }
      const body = (await res.json().catch(() => ({}))) as { sid?: string; message?: string; code?: number };
      if (!res.ok || !body.sid) {
        const reason = `Twilio answered ${res.status}: ${body.message ?? "no message"}${body.code ? ` (code ${body.code})` : ""}`;
        // 429 and 5xx are Twilio's trouble (retry); other 4xx are ours or the number's (do not).
        throw new SmsDeliveryError(reason, res.status === 429 || res.status >= 500 || res.ok, res.status);
      }
      return { id: body.sid };
    },
  };
}
