/**
 * src/server/providers/payments/webhook-secret.ts: env wins; production without it throws; development
 * generates a whsec_ secret once into the given file and reuses it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MissingWebhookSecretError, resolveWebhookSecret } from "@/server/providers/payments/webhook-secret";
import { signWebhook, verifyWebhook } from "@/server/providers/payments/webhook-signature";

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "saas-test-whsec-"));
  file = path.join(dir, ".data/dodo-webhook-secret");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("resolveWebhookSecret", () => {
  it("uses DODO_PAYMENTS_WEBHOOK_KEY when set, without touching the file", () => {
    expect(resolveWebhookSecret({ DODO_PAYMENTS_WEBHOOK_KEY: "whsec_abc", NODE_ENV: "production" }, file)).toBe("whsec_abc");
    expect(fs.existsSync(file)).toBe(false);
  });

  it("refuses to run in production without a secret", () => {
    expect(() => resolveWebhookSecret({ NODE_ENV: "production" }, file)).toThrow(MissingWebhookSecretError);
    expect(fs.existsSync(file)).toBe(false);
  });

  it("in a production playground build only while the simulator is the sender (no Dodo API key)", () => {
    expect(() => resolveWebhookSecret({ NODE_ENV: "production", PLAYGROUND: "1", DODO_PAYMENTS_API_KEY: "key" }, file)).toThrow(MissingWebhookSecretError);
    expect(fs.existsSync(file)).toBe(false);
    const secret = resolveWebhookSecret({ NODE_ENV: "production", PLAYGROUND: "1" }, file);
    expect(secret).toMatch(/^whsec_/);
    expect(resolveWebhookSecret({ NODE_ENV: "production", PLAYGROUND: "1" }, file)).toBe(secret);
  });

  it("generates a usable whsec_ secret once in development and reuses it", () => {
    const first = resolveWebhookSecret({ NODE_ENV: "development" }, file);
    expect(first).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(fs.readFileSync(file, "utf8")).toBe(first);
    expect(resolveWebhookSecret({ NODE_ENV: "development" }, file)).toBe(first);
    const body = JSON.stringify({ business_id: "b", type: "payment.succeeded", timestamp: new Date().toISOString(), data: {} });
    expect(verifyWebhook(body, signWebhook(body, { secret: first, id: "msg_1" }), first).id).toBe("msg_1");
  });

  it("uses the file another process wrote first", () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "whsec_dGhlaXJz\n");
    expect(resolveWebhookSecret({ NODE_ENV: "test" }, file)).toBe("whsec_dGhlaXJz");
  });
});
