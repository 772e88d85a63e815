/**
 * The Resend path end to end: RESEND_API_KEY and RESEND_BASE_URL are set before the app is imported,
 * so notify -> jobs table -> local runner -> notifications.deliver -> the real `resend` SDK -> a fake
 * Resend API on 127.0.0.1. A 5xx is retried with backoff; a 4xx fails the message with its reason.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DAY_MS, HOUR_MS } from "@/lib/time";

interface Captured {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

const requests: Captured[] = [];
let replies: Array<{ status: number; body: unknown }> = [];
let server: http.Server;

// Imported after the environment points at the fake.
let app: {
  prisma: typeof import("@/server/db/client").prisma;
  notify: typeof import("@/server/domain/notifications/notify").notify;
  drainJobs: typeof import("../helpers/jobs").drainJobs;
  emailProviderName: string;
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
    req.on("end", () => {
      requests.push({ url: req.url ?? "", headers: req.headers, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} });
      const reply = replies.shift() ?? { status: 200, body: { id: `re_${requests.length}` } };
      res.writeHead(reply.status, { "content-type": "application/json" });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.env.RESEND_API_KEY = "re_test_key";
  process.env.RESEND_BASE_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const [{ prisma }, { notify }, { drainJobs }, { emailProvider }] = await Promise.all([
    import("@/server/db/client"),
    import("@/server/domain/notifications/notify"),
    import("../helpers/jobs"),
    import("@/server/providers/email"),
  ]);
  app = { prisma, notify, drainJobs, emailProviderName: emailProvider.name };
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  delete process.env.RESEND_API_KEY;
  delete process.env.RESEND_BASE_URL;
});

beforeEach(() => {
  requests.length = 0;
  replies = [];
});

const welcome = (to: string, key: string) =>
  app.notify(app.prisma, {
    event: "account.welcome",
    recipients: [{ email: to, locale: "de" }],
    data: { name: "Ada", url: "http://localhost:3000/projects" },
    idempotencyKey: key,
  });

describe("notifications over Resend (real SDK, local fake API)", () => {
  it("uses Resend when the key is set", () => {
    expect(app.emailProviderName).toBe("resend");
  });

  it("POSTs the rendered email with the outbox id as Idempotency-Key and records the Resend id", async () => {
    const { messages } = await welcome("ada@example.com", "resend-ok");
    const id = messages[0]!.id;
    replies = [{ status: 200, body: { id: "re_email_42" } }];
    const runs = await app.drainJobs(app.prisma);
    expect(runs.map((r) => r.status)).toEqual(["succeeded"]);
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req!.url).toBe("/emails");
    expect(req!.headers.authorization).toBe("Bearer re_test_key");
    expect(req!.headers["idempotency-key"]).toBe(id);
    expect(req!.body).toMatchObject({ to: "ada@example.com", subject: "Willkommen bei SaaS Template" });
    expect(String(req!.body.text)).toContain("Ihr Konto ist eingerichtet.");
    expect(req!.body.tags).toEqual(expect.arrayContaining([{ name: "template", value: "welcome" }, { name: "locale", value: "de" }]));
    expect(await app.prisma.notificationOutbox.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "sent", providerMessageId: "re_email_42", attempts: 1 });
  });

  it("retries after a 5xx (same idempotency key) and sends once Resend is back", async () => {
    const { messages } = await welcome("retry@example.com", "resend-5xx");
    const id = messages[0]!.id;
    replies = [{ status: 500, body: { statusCode: 500, name: "internal_server_error", message: "Boom." } }];
    const [first] = await app.drainJobs(app.prisma);
    expect(first).toMatchObject({ status: "retrying" });
    expect(first!.error).toContain("Boom.");
    expect(await app.prisma.notificationOutbox.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "pending", attempts: 1 });
    expect(await app.prisma.job.findUniqueOrThrow({ where: { idempotencyKey: id } })).toMatchObject({ status: "retrying", attempts: 1 });

    // After the backoff the runner tries again, with the same key.
    const later = new Date(Date.now() + HOUR_MS);
    const [second] = await app.drainJobs(app.prisma, { now: later });
    expect(second).toMatchObject({ status: "succeeded", attempt: 2 });
    expect(requests.map((r) => r.headers["idempotency-key"])).toEqual([id, id]);
    expect(await app.prisma.notificationOutbox.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "sent", attempts: 2, lastError: null });
  });

  it("records a 4xx as failed with Resend's reason and does not retry", async () => {
    const { messages } = await welcome("refused@example.com", "resend-4xx");
    const id = messages[0]!.id;
    replies = [{ status: 422, body: { statusCode: 422, name: "validation_error", message: "Invalid `to` field." } }];
    const runs = await app.drainJobs(app.prisma, { now: new Date(Date.now() + DAY_MS) });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "failed", attempt: 1 });
    expect(await app.prisma.notificationOutbox.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "failed",
      lastError: "Resend refused the email: Invalid `to` field.",
    });
    expect(await app.prisma.job.findUniqueOrThrow({ where: { idempotencyKey: id } })).toMatchObject({ status: "failed", attempts: 1 });
    expect(requests).toHaveLength(1);
  });
});
