/**
 * Email providers and templates: the dev mailbox (a table in this file's database), the Resend
 * provider through the real `resend` SDK against a local fake of Resend's HTTP API, and
 * sendTemplateEmail's rendering per locale.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import de from "@messages/de.json";
import en from "@messages/en.json";
import { prisma } from "@/server/db/client";
import { sendTemplateEmail, type EmailTemplate } from "@/server/domain/notifications/send-email";
import { emailProvider } from "@/server/providers/email";
import { createDevMailboxProvider, listDevMailbox } from "@/server/providers/email/dev-mailbox";
import { createResendEmailProvider } from "@/server/providers/email/resend";
import { EmailDeliveryError } from "@/server/providers/email/types";

const FROM = "Tests <tests@example.com>";

describe("dev mailbox provider", () => {
  it("is the provider when RESEND_API_KEY is unset", () => {
    expect(emailProvider.name).toBe("dev-mailbox");
  });

  it("stores the message (recipient lower-cased) and lists it", async () => {
    const mailbox = createDevMailboxProvider({ db: prisma, from: FROM });
    const { id } = await mailbox.send({
      to: "Someone@Example.com",
      subject: "Hello",
      html: "<p>Hi</p>",
      text: "Hi",
      tags: { template: "test" },
    });
    const row = await prisma.devMailboxMessage.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ to: "someone@example.com", from: FROM, subject: "Hello", html: "<p>Hi</p>", text: "Hi", tags: { template: "test" } });
    expect((await listDevMailbox(prisma, { to: "SOMEONE@example.com" })).map((m) => m.id)).toEqual([id]);
  });

  it("dedupes by idempotencyKey: the same key stores one message and returns its id", async () => {
    const mailbox = createDevMailboxProvider({ db: prisma, from: FROM });
    const message = { to: "dedupe@example.com", subject: "Once", html: "<p>1</p>", text: "1", idempotencyKey: "job-42" };
    const first = await mailbox.send(message);
    const second = await mailbox.send({ ...message, subject: "Twice?" });
    expect(second.id).toBe(first.id);
    const rows = await prisma.devMailboxMessage.findMany({ where: { to: "dedupe@example.com" } });
    expect(rows.map((r) => ({ subject: r.subject, idempotencyKey: r.idempotencyKey }))).toEqual([{ subject: "Once", idempotencyKey: "job-42" }]);

    // Another key, or none, is another message.
    await mailbox.send({ ...message, idempotencyKey: "job-43" });
    await mailbox.send({ ...message, idempotencyKey: undefined });
    await mailbox.send({ ...message, idempotencyKey: undefined });
    expect(await prisma.devMailboxMessage.count({ where: { to: "dedupe@example.com" } })).toBe(4);
  });

  it("stores one message when retries with the same key race", async () => {
    const mailbox = createDevMailboxProvider({ db: prisma, from: FROM });
    const message = { to: "race@example.com", subject: "Race", html: "<p>r</p>", text: "r", idempotencyKey: "job-race" };
    const results = await Promise.all(Array.from({ length: 8 }, () => mailbox.send(message)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await prisma.devMailboxMessage.count({ where: { to: "race@example.com" } })).toBe(1);
  });
});

interface Captured {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

describe("Resend provider (real SDK, local fake API)", () => {
  let server: http.Server;
  let baseUrl: string;
  const requests: Captured[] = [];
  let reply: { status: number; body: unknown } = { status: 200, body: { id: "re_email_123" } };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let raw = "";
      req.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
      req.on("end", () => {
        requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: raw ? JSON.parse(raw) : null });
        res.writeHead(reply.status, { "content-type": "application/json" });
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    delete process.env.RESEND_BASE_URL; // the provider sets it for the SDK
  });
  beforeEach(() => {
    requests.length = 0;
    reply = { status: 200, body: { id: "re_email_123" } };
  });

  it("POSTs the message to /emails with the API key and the idempotency key", async () => {
    const provider = createResendEmailProvider({ apiKey: "re_test_key", from: FROM, baseUrl });
    expect(provider.name).toBe("resend");
    const result = await provider.send({
      to: "customer@example.com",
      subject: "Your invoice",
      html: "<p>Invoice</p>",
      text: "Invoice",
      tags: { template: "invoice", locale: "en" },
      idempotencyKey: "invoice-7",
    });
    expect(result).toEqual({ id: "re_email_123" });
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req).toMatchObject({ method: "POST", url: "/emails" });
    expect(req!.headers.authorization).toBe("Bearer re_test_key");
    expect(req!.headers["idempotency-key"]).toBe("invoice-7");
    expect(req!.body).toMatchObject({
      from: FROM,
      to: "customer@example.com",
      subject: "Your invoice",
      html: "<p>Invoice</p>",
      text: "Invoice",
      tags: [
        { name: "template", value: "invoice" },
        { name: "locale", value: "en" },
      ],
    });
  });

  it("sends no idempotency-key header when the message has none", async () => {
    const provider = createResendEmailProvider({ apiKey: "re_test_key", from: FROM, baseUrl });
    await provider.send({ to: "a@example.com", subject: "s", html: "<p>h</p>", text: "h" });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.headers["idempotency-key"]).toBeUndefined();
  });

  it.each([
    { status: 422, body: { statusCode: 422, name: "validation_error", message: "Invalid `to` field." } },
    { status: 429, body: { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests." } },
    { status: 500, body: { statusCode: 500, name: "internal_server_error", message: "Boom." } },
  ])("throws EmailDeliveryError when Resend answers $status", async ({ status, body }) => {
    reply = { status, body };
    const provider = createResendEmailProvider({ apiKey: "re_test_key", from: FROM, baseUrl });
    const error = await provider.send({ to: "a@example.com", subject: "s", html: "<p>h</p>", text: "h" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EmailDeliveryError);
    expect((error as Error).message).toContain(body.message);
    expect(requests).toHaveLength(1);
  });

  it("throws EmailDeliveryError when the API cannot be reached", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const provider = createResendEmailProvider({ apiKey: "re_test_key", from: FROM, baseUrl: deadUrl });
    await expect(provider.send({ to: "a@example.com", subject: "s", html: "<p>h</p>", text: "h" })).rejects.toBeInstanceOf(EmailDeliveryError);
  });
});

describe("sendTemplateEmail", () => {
  const messages = { en, de } as const;
  const templates = ["verifyEmail", "magicLink", "resetPassword"] as const satisfies readonly EmailTemplate[];
  const mailbox = () => createDevMailboxProvider({ db: prisma, from: FROM });
  const url = "http://localhost:3000/api/auth/verify-email?token=abc&callbackURL=%2Fprojects";

  for (const template of templates) {
    it(`renders ${template} with the subject, language and link of each locale`, async () => {
      const subjects: Record<string, string> = {};
      for (const locale of ["en", "de"] as const) {
        const to = `${template.toLowerCase()}-${locale}@example.com`;
        await sendTemplateEmail(mailbox(), { template, to, props: { locale, name: "Ada", url } as never });
        const row = await prisma.devMailboxMessage.findFirstOrThrow({ where: { to } });
        const expected = messages[locale].emails[template];
        expect(row.subject).toBe(expected.subject);
        expect(row.tags).toEqual({ template, locale });
        expect(row.html).toMatch(new RegExp(`<html[^>]*lang="${locale}"`));
        expect(row.html).toContain(expected.action);
        expect(row.html).toContain(url.replaceAll("&", "&amp;"));
        expect(row.text).toContain(url);
        subjects[locale] = row.subject;
      }
      // The subjects differ exactly when the locale files do (messages/de.json is translated separately).
      expect(subjects.de !== subjects.en).toBe(de.emails[template].subject !== en.emails[template].subject);
    });
  }

  it("greets by name in verifyEmail and passes the idempotency key to the provider", async () => {
    const first = await sendTemplateEmail(mailbox(), {
      template: "verifyEmail",
      to: "greet@example.com",
      props: { locale: "en", name: "Grace", url },
      idempotencyKey: "verify-greet",
    });
    const again = await sendTemplateEmail(mailbox(), {
      template: "verifyEmail",
      to: "greet@example.com",
      props: { locale: "en", name: "Grace", url },
      idempotencyKey: "verify-greet",
    });
    expect(again.id).toBe(first.id);
    const row = await prisma.devMailboxMessage.findUniqueOrThrow({ where: { id: first.id } });
    expect(row.text).toContain(en.emails.common.greeting.replace("{name}", "Grace"));
  });
});
