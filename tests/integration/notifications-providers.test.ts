/**
 * The real SMS and push providers against local fakes of their HTTP APIs on 127.0.0.1: Twilio's REST
 * API (our fetch client) and a Web Push service (the `web-push` library, real VAPID signing and payload
 * encryption). 4xx is a refusal (not retried), 429/5xx and unreachable are retryable.
 */
import { createECDH, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import webpush from "web-push";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createWebPushProvider } from "@/server/providers/push/web-push";
import { PushDeliveryError } from "@/server/providers/push/types";
import { createTwilioSmsProvider } from "@/server/providers/sms/twilio";
import { SmsDeliveryError } from "@/server/providers/sms/types";

interface Captured {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const requests: Captured[] = [];
let reply: { status: number; body: string; headers?: Record<string, string> } = { status: 200, body: "{}" };
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  requests.length = 0;
});

const deadUrl = async () => {
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));
  return url;
};

describe("Twilio SMS provider (fetch client, local fake API)", () => {
  const accountSid = `AC${"0123456789abcdef".repeat(2)}`;
  const twilio = (baseUrl = base) => createTwilioSmsProvider({ accountSid, authToken: "t".repeat(32), from: "+15005550006", baseUrl });

  it("POSTs the form to Messages.json with basic auth and the idempotency token", async () => {
    reply = { status: 201, body: JSON.stringify({ sid: "SM123", status: "queued" }) };
    const result = await twilio().send({ to: "+4915112345678", body: "Your payment failed https://x.test", idempotencyKey: "outbox-1" });
    expect(result).toEqual({ id: "SM123" });
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req!.method).toBe("POST");
    expect(req!.url).toBe(`/2010-04-01/Accounts/${accountSid}/Messages.json`);
    expect(req!.headers.authorization).toBe(`Basic ${Buffer.from(`${accountSid}:${"t".repeat(32)}`).toString("base64")}`);
    expect(req!.headers["i-twilio-idempotency-token"]).toBe("outbox-1");
    expect(Object.fromEntries(new URLSearchParams(req!.body.toString("utf8")))).toEqual({
      To: "+4915112345678",
      From: "+15005550006",
      Body: "Your payment failed https://x.test",
    });
  });

  it("a 400 is a refusal with Twilio's reason; 429 and 5xx are retryable; unreachable is retryable", async () => {
    reply = { status: 400, body: JSON.stringify({ code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 }) };
    const refused = await twilio().send({ to: "+1", body: "x" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SmsDeliveryError);
    expect(refused).toMatchObject({ retryable: false, status: 400 });
    expect((refused as Error).message).toContain("not a valid phone number");
    expect((refused as Error).message).toContain("21211");

    for (const status of [429, 503]) {
      reply = { status, body: JSON.stringify({ message: "busy" }) };
      await expect(twilio().send({ to: "+4915112345678", body: "x" })).rejects.toMatchObject({ retryable: true, status });
    }
    await expect(twilio(await deadUrl()).send({ to: "+4915112345678", body: "x" })).rejects.toMatchObject({ name: "SmsDeliveryError", retryable: true });
  });
});

describe("Web Push provider (web-push library, local fake push service)", () => {
  const vapid = webpush.generateVAPIDKeys();
  const provider = () => createWebPushProvider({ publicKey: vapid.publicKey, privateKey: vapid.privateKey, subject: "mailto:ops@example.com" });
  const target = (endpointBase = base) => {
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    return { endpoint: `${endpointBase}/push/sub-1`, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") } };
  };

  it("POSTs an encrypted payload with a VAPID authorization to the subscription's endpoint", async () => {
    reply = { status: 201, body: "", headers: { location: `${base}/messages/m-1` } };
    const result = await provider().send(target(), { title: "Payment failed", body: "We could not charge €49.00", url: "https://x.test", idempotencyKey: "outbox-2" });
    expect(result).toEqual({ id: `${base}/messages/m-1` });
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req!.method).toBe("POST");
    expect(req!.url).toBe("/push/sub-1");
    expect(req!.headers.authorization).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=/);
    expect(req!.headers.authorization).toContain(vapid.publicKey);
    expect(req!.headers["content-encoding"]).toBe("aes128gcm");
    expect(req!.headers.ttl).toBe(String(24 * 60 * 60));
    // Encrypted: the title is not readable on the wire.
    expect(req!.body.length).toBeGreaterThan(0);
    expect(req!.body.toString("utf8")).not.toContain("Payment failed");
  });

  it("410 is a refusal that marks the subscription gone; 5xx is retryable", async () => {
    reply = { status: 410, body: "expired" };
    const gone = await provider().send(target(), { title: "t", body: "b" }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(PushDeliveryError);
    expect(gone).toMatchObject({ status: 410, retryable: false, gone: true });

    reply = { status: 502, body: "bad gateway" };
    await expect(provider().send(target(), { title: "t", body: "b" })).rejects.toMatchObject({ status: 502, retryable: true, gone: false });
    await expect(provider().send(target(await deadUrl()), { title: "t", body: "b" })).rejects.toMatchObject({ retryable: true });
  });
});
