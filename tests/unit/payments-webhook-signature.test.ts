/**
 * src/server/providers/payments/webhook-signature.ts: Standard Webhooks verification (what Dodo sends and
 * the simulator will send) on the raw body, and signing for the simulator and tests.
 */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";

import {
  generateWebhookSecret,
  InvalidWebhookPayloadError,
  InvalidWebhookSignatureError,
  signWebhook,
  verifyWebhook,
} from "@/server/providers/payments/webhook-signature";

const secret = `whsec_${Buffer.from("a-test-secret-of-32-bytes-length").toString("base64")}`;
const envelope = {
  business_id: "bus_1",
  type: "payment.succeeded",
  timestamp: "2026-11-26T06:00:00.000Z",
  data: { payment_id: "pay_1", status: "succeeded", total_amount: 1999, currency: "USD", metadata: { tenantId: "ten_1" } },
};
const rawBody = JSON.stringify(envelope);

describe("verifyWebhook", () => {
  it("a signed payload verifies and parses into { id, type, timestamp, data, businessId }", () => {
    const headers = signWebhook(rawBody, { secret, id: "msg_1" });
    const result = verifyWebhook(rawBody, headers, secret);
    expect(result).toEqual({
      id: "msg_1",
      type: "payment.succeeded",
      timestamp: new Date("2026-11-26T06:00:00.000Z"),
      data: envelope.data,
      businessId: "bus_1",
    });
  });

  it("accepts a Fetch Headers object, a Buffer body and mixed-case header names", () => {
    const signed = signWebhook(rawBody, { secret, id: "msg_2" });
    expect(verifyWebhook(Buffer.from(rawBody), new Headers(signed), secret).id).toBe("msg_2");
    const mixed = { "Webhook-Id": signed["webhook-id"], "WEBHOOK-TIMESTAMP": signed["webhook-timestamp"], "Webhook-Signature": signed["webhook-signature"] };
    expect(verifyWebhook(rawBody, mixed, secret).id).toBe("msg_2");
  });

  it("matches the documented scheme: HMAC-SHA256 over `${id}.${timestamp}.${body}` with the base64-decoded secret", () => {
    const ts = Math.floor(Date.now() / 1000);
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    const sig = createHmac("sha256", key).update(`msg_3.${ts}.${rawBody}`).digest("base64");
    // Several space-separated signatures (key rotation): one matching is enough.
    const headers = { "webhook-id": "msg_3", "webhook-timestamp": String(ts), "webhook-signature": `v1,AAAA v1,${sig}` };
    expect(verifyWebhook(rawBody, headers, secret).type).toBe("payment.succeeded");
    expect(signWebhook(rawBody, { secret, id: "msg_3", timestamp: new Date(ts * 1000) })["webhook-signature"]).toBe(`v1,${sig}`);
  });

  it("tampered body -> InvalidWebhookSignatureError", () => {
    const headers = signWebhook(rawBody, { secret, id: "msg_4" });
    const tampered = rawBody.replace("1999", "1");
    expect(() => verifyWebhook(tampered, headers, secret)).toThrow(InvalidWebhookSignatureError);
  });

  it("tampered id header -> InvalidWebhookSignatureError", () => {
    const headers = signWebhook(rawBody, { secret, id: "msg_5" });
    expect(() => verifyWebhook(rawBody, { ...headers, "webhook-id": "msg_other" }, secret)).toThrow(InvalidWebhookSignatureError);
  });

  it("wrong secret -> InvalidWebhookSignatureError", () => {
    const headers = signWebhook(rawBody, { secret: generateWebhookSecret(), id: "msg_6" });
    expect(() => verifyWebhook(rawBody, headers, secret)).toThrow(InvalidWebhookSignatureError);
  });

  it("stale timestamp (older than 5 minutes), even correctly signed -> InvalidWebhookSignatureError", () => {
    const headers = signWebhook(rawBody, { secret, id: "msg_7", timestamp: new Date(Date.now() - 6 * 60_000) });
    expect(() => verifyWebhook(rawBody, headers, secret)).toThrow(InvalidWebhookSignatureError);
  });

  it("timestamp more than 5 minutes in the future -> InvalidWebhookSignatureError", () => {
    const headers = signWebhook(rawBody, { secret, id: "msg_8", timestamp: new Date(Date.now() + 6 * 60_000) });
    expect(() => verifyWebhook(rawBody, headers, secret)).toThrow(InvalidWebhookSignatureError);
  });

  it("4 minutes old is still accepted", () => {
    const headers = signWebhook(rawBody, { secret, id: "msg_9", timestamp: new Date(Date.now() - 4 * 60_000) });
    expect(verifyWebhook(rawBody, headers, secret).id).toBe("msg_9");
  });

  it("missing headers -> InvalidWebhookSignatureError naming them", () => {
    const headers = signWebhook(rawBody, { secret, id: "msg_10" });
    expect(() => verifyWebhook(rawBody, {}, secret)).toThrow(InvalidWebhookSignatureError);
    for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"] as const) {
      const partial: Record<string, string> = { ...headers };
      delete partial[name];
      expect(() => verifyWebhook(rawBody, partial, secret)).toThrow(new RegExp(name));
    }
    expect(() => verifyWebhook(rawBody, { ...headers, "webhook-signature": "" }, secret)).toThrow(InvalidWebhookSignatureError);
  });

  it("garbage signature / timestamp headers -> InvalidWebhookSignatureError", () => {
    const headers = signWebhook(rawBody, { secret, id: "msg_11" });
    expect(() => verifyWebhook(rawBody, { ...headers, "webhook-signature": "v1,notbase64!!" }, secret)).toThrow(InvalidWebhookSignatureError);
    expect(() => verifyWebhook(rawBody, { ...headers, "webhook-timestamp": "yesterday" }, secret)).toThrow(InvalidWebhookSignatureError);
  });

  it("a correctly signed body that is not an envelope -> InvalidWebhookPayloadError (not a signature error)", () => {
    for (const body of ["not json", "[]", JSON.stringify({ type: "payment.succeeded" })]) {
      const headers = signWebhook(body, { secret, id: "msg_12" });
      expect(() => verifyWebhook(body, headers, secret)).toThrow(InvalidWebhookPayloadError);
    }
  });

  it("a missing or malformed secret is a configuration error, not a 401", () => {
    const headers = signWebhook(rawBody, { secret, id: "msg_13" });
    for (const bad of ["", "whsec_"]) {
      let err: unknown;
      try {
        verifyWebhook(rawBody, headers, bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(InvalidWebhookSignatureError);
    }
  });
});

describe("generateWebhookSecret", () => {
  it("returns a whsec_ secret of 32 random bytes that signs and verifies", () => {
    const s = generateWebhookSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(s.slice(6), "base64")).toHaveLength(32);
    expect(s).not.toBe(generateWebhookSecret());
    const headers = signWebhook(rawBody, { secret: s, id: "msg_14" });
    expect(verifyWebhook(rawBody, headers, s).id).toBe("msg_14");
  });
});
