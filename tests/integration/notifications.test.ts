/**
 * notify() and the notifications.deliver job against this file's database, with the real local job
 * queue and runner and the dev mailbox as the email provider: one outbox row and one job per
 * recipient and channel, written atomically; the same event sends once; preferences skip channels
 * except security and billing email; delivery is idempotent.
 */
import { createECDH, randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { prisma } from "@/server/db/client";
import { deliverOutboxMessage } from "@/server/domain/notifications/deliver";
import { notify } from "@/server/domain/notifications/notify";
import { getNotificationPreferences, setNotificationPreferences } from "@/server/domain/notifications/preferences";
import { createLocalPushProvider } from "@/server/providers/push/local";
import { PushDeliveryError } from "@/server/providers/push/types";
import { createLocalSmsProvider } from "@/server/providers/sms/local";
import { signUpAndSignIn, uniqueEmail } from "../helpers/auth";
import { drainJobs } from "../helpers/jobs";
import { expectTRPCError } from "../helpers/trpc-errors";

const failedData = { tenantName: "Acme", amountMinor: 4900, currency: "EUR", nextAttemptAt: null, graceEndsAt: "2026-12-06T00:00:00.000Z", url: "http://localhost:3000/settings/billing" };
const usageData = {
  tenantName: "Acme",
  metric: "api_calls" as const,
  used: 8000,
  limit: 10000,
  percent: 80 as const,
  strategy: "upgrade" as const,
  url: "http://localhost:3000/settings/billing",
};

/** A browser's push subscription: a real P-256 key and auth secret, an endpoint nobody calls (local provider). */
function pushKeys() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") };
}

async function userWithEverything(opts: { phone?: boolean; push?: number } = {}) {
  const user = await signUpAndSignIn();
  if (opts.phone !== false) await prisma.user.update({ where: { id: user.userId }, data: { phoneNumber: "+4915112345678" } });
  for (let i = 0; i < (opts.push ?? 1); i++) {
    await prisma.pushSubscription.create({ data: { userId: user.userId, endpoint: `https://push.example.com/${randomBytes(8).toString("hex")}`, ...pushKeys() } });
  }
  // Settle the sign-up's own mail so each test counts only its own jobs.
  await drainJobs(prisma);
  return user;
}

const jobsFor = (outboxIds: string[]) => prisma.job.findMany({ where: { name: "notifications.deliver", idempotencyKey: { in: outboxIds } } });

afterEach(async () => {
  await prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS refuse_jobs ON jobs`);
});

describe("notify", () => {
  it("writes one outbox row per recipient and channel and enqueues one delivery job each", async () => {
    const user = await userWithEverything();
    await setNotificationPreferences(prisma, { userId: user.userId, preferences: [{ category: "billing", channel: "sms", enabled: true }] });
    const outsider = uniqueEmail("billing-contact");
    const key = `payment-failed:${randomBytes(4).toString("hex")}`;

    const result = await notify(prisma, {
      event: "billing.payment-failed",
      recipients: [{ userId: user.userId, locale: "de" }, { email: outsider }],
      data: failedData,
      tenantId: user.tenantId,
      idempotencyKey: key,
    });

    const byKey = (a: { idempotencyKey: string } | { key: string }, b: { idempotencyKey: string } | { key: string }) => {
      const [x, y] = [a, b].map((r) => ("key" in r ? r.key : r.idempotencyKey));
      return x! < y! ? -1 : 1;
    };
    const rows = (await prisma.notificationOutbox.findMany({ where: { idempotencyKey: { startsWith: `${key}:` } } })).sort(byKey);
    const sub = await prisma.pushSubscription.findFirstOrThrow({ where: { userId: user.userId } });
    expect(rows.map((r) => ({ key: r.idempotencyKey, channel: r.channel, recipient: r.recipient, status: r.status, locale: r.locale }))).toEqual(
      [
        { key: `${key}:email:${outsider}`, channel: "email", recipient: outsider, status: "pending", locale: "en" },
        { key: `${key}:email:${user.userId}`, channel: "email", recipient: user.email, status: "pending", locale: "de" },
        { key: `${key}:push:${user.userId}:${sub.id}`, channel: "push", recipient: sub.endpoint, status: "pending", locale: "de" },
        { key: `${key}:sms:${user.userId}`, channel: "sms", recipient: "+4915112345678", status: "pending", locale: "de" },
      ].sort(byKey),
    );
    expect(rows.every((r) => r.event === "billing.payment-failed" && r.category === "billing" && r.template === "paymentFailed" && r.tenantId === user.tenantId)).toBe(true);
    expect(result.messages).toHaveLength(4);
    expect(result.messages.every((m) => !m.duplicate)).toBe(true);

    const jobs = await jobsFor(rows.map((r) => r.id));
    expect(jobs).toHaveLength(4);
    expect(jobs.map((j) => (j.payload as { outboxId: string }).outboxId).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(jobs.every((j) => j.status === "queued" && j.idempotencyKey === (j.payload as { outboxId: string }).outboxId)).toBe(true);

    // The runner delivers all four; the email lands in the mailbox in the recipient's language.
    const runs = await drainJobs(prisma);
    expect(runs.filter((r) => r.name === "notifications.deliver").map((r) => r.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
    const sent = await prisma.notificationOutbox.findMany({ where: { id: { in: rows.map((r) => r.id) } } });
    expect(sent.every((r) => r.status === "sent" && r.providerMessageId && r.sentAt && r.attempts === 1)).toBe(true);
    const mail = await prisma.devMailboxMessage.findFirstOrThrow({ where: { to: user.email, subject: { contains: "Acme" } } });
    expect(mail.subject).toBe("Ihre Zahlung für Acme ist fehlgeschlagen");
    expect(mail.idempotencyKey).toBe(rows.find((r) => r.channel === "email" && r.userId === user.userId)!.id);
    expect(await prisma.devMailboxMessage.count({ where: { to: outsider } })).toBe(1);
  });

  it("is atomic: when enqueueing fails, no outbox row remains", async () => {
    const user = await userWithEverything();
    await prisma.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION refuse_jobs() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'queue refused'; END $$ LANGUAGE plpgsql`);
    await prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_jobs BEFORE INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION refuse_jobs()`);
    const key = `atomic:${randomBytes(4).toString("hex")}`;
    await expect(notify(prisma, { event: "usage.warning", recipients: [{ userId: user.userId }], data: usageData, idempotencyKey: key })).rejects.toThrow(/queue refused/);
    expect(await prisma.notificationOutbox.count({ where: { idempotencyKey: { startsWith: key } } })).toBe(0);

    // Inside the caller's transaction: the caller's failure takes the rows and jobs with it too.
    await prisma.$executeRawUnsafe(`DROP TRIGGER refuse_jobs ON jobs`);
    await expect(
      prisma.$transaction(async (tx) => {
        await notify(tx, { event: "usage.warning", recipients: [{ userId: user.userId }], data: usageData, idempotencyKey: key });
        throw new Error("caller failed");
      }),
    ).rejects.toThrow("caller failed");
    expect(await prisma.notificationOutbox.count({ where: { idempotencyKey: { startsWith: key } } })).toBe(0);
    expect(await prisma.job.count({ where: { name: "notifications.deliver", status: "queued" } })).toBe(0);
  });

  it("sends the same event once, also when notified twice concurrently", async () => {
    const user = await userWithEverything({ phone: false, push: 0 });
    const key = `welcome:${user.userId}`;
    const input = { event: "account.welcome" as const, recipients: [{ userId: user.userId }], data: { name: "Ada", url: "http://localhost:3000/projects" }, idempotencyKey: key };
    const first = await notify(prisma, input);
    const again = await notify(prisma, input);
    expect(again.messages).toEqual([{ ...first.messages[0], duplicate: true }]);
    await Promise.all([notify(prisma, input), notify(prisma, input), notify(prisma, input)]);
    expect(await prisma.notificationOutbox.count({ where: { idempotencyKey: { startsWith: `${key}:` } } })).toBe(1);
    expect(await jobsFor([first.messages[0]!.id])).toHaveLength(1);
    await drainJobs(prisma);
    await notify(prisma, input);
    await drainJobs(prisma);
    expect(await prisma.devMailboxMessage.count({ where: { to: user.email, subject: "Welcome to SaaS Template" } })).toBe(1);
  });

  it("writes a skipped row (and queues nothing) for a channel the user turned off", async () => {
    const user = await userWithEverything({ phone: false });
    await setNotificationPreferences(prisma, { userId: user.userId, preferences: [{ category: "usage", channel: "email", enabled: false }] });
    const key = `usage:${randomBytes(4).toString("hex")}`;
    const { messages } = await notify(prisma, { event: "usage.warning", recipients: [{ userId: user.userId }], data: usageData, idempotencyKey: key });
    expect(messages.map((m) => [m.channel, m.status]).sort()).toEqual([["email", "skipped"], ["push", "pending"]]);
    const jobs = await jobsFor(messages.map((m) => m.id));
    expect(jobs.map((j) => (j.payload as { outboxId: string }).outboxId)).toEqual([messages.find((m) => m.channel === "push")!.id]);
    await drainJobs(prisma);
    expect(await prisma.devMailboxMessage.count({ where: { to: user.email, subject: { contains: "API calls" } } })).toBe(0);
  });

  it("always sends security and billing email: they cannot be turned off, and a stored 'off' is ignored", async () => {
    const user = await userWithEverything({ phone: false, push: 0 });
    for (const category of ["security", "billing"] as const) {
      await expect(setNotificationPreferences(prisma, { userId: user.userId, preferences: [{ category, channel: "email", enabled: false }] })).rejects.toMatchObject({
        code: "INVALID_INPUT",
      });
      await expectTRPCError(user.caller.me.notificationPreferences.set({ preferences: [{ category, channel: "email", enabled: false }] }), "BAD_REQUEST", "INVALID_INPUT");
    }
    // Written around the API (an old row, a manual edit): notify still sends.
    await prisma.notificationPreference.create({ data: { userId: user.userId, category: "billing", channel: "email", enabled: false } });
    const { messages } = await notify(prisma, { event: "billing.payment-failed", recipients: [{ userId: user.userId }], data: failedData, idempotencyKey: `bill:${user.userId}` });
    expect(messages.map((m) => [m.channel, m.status])).toEqual([["email", "pending"]]);
  });

  it("me.notificationPreferences: defaults, locked cells, and a change that sticks", async () => {
    const user = await userWithEverything({ phone: false, push: 0 });
    const initial = await user.caller.me.notificationPreferences.get();
    expect(initial.preferences).toHaveLength(15);
    const cell = (p: typeof initial, category: string, channel: string) => p.preferences.find((x) => x.category === category && x.channel === channel);
    expect(cell(initial, "security", "email")).toEqual({ category: "security", channel: "email", enabled: true, locked: true });
    expect(cell(initial, "billing", "email")).toMatchObject({ enabled: true, locked: true });
    expect(cell(initial, "usage", "email")).toMatchObject({ enabled: true, locked: false });
    expect(cell(initial, "usage", "sms")).toMatchObject({ enabled: false, locked: false });

    const updated = await user.caller.me.notificationPreferences.set({ preferences: [{ category: "product", channel: "email", enabled: false }, { category: "usage", channel: "sms", enabled: true }] });
    expect(cell(updated, "product", "email")).toMatchObject({ enabled: false });
    expect(cell(updated, "usage", "sms")).toMatchObject({ enabled: true });
    expect(await getNotificationPreferences(prisma, { userId: user.userId })).toEqual(updated);
    // Turning security email ON is fine (it is on anyway).
    await user.caller.me.notificationPreferences.set({ preferences: [{ category: "security", channel: "email", enabled: true }] });
  });
});

describe("notifications.deliver", () => {
  it("is a no-op for a row already sent (a retry after the send)", async () => {
    const user = await userWithEverything({ phone: false, push: 0 });
    const { messages } = await notify(prisma, { event: "account.welcome", recipients: [{ userId: user.userId }], data: { name: "Ada", url: "http://localhost:3000/projects" }, idempotencyKey: `noop:${user.userId}` });
    const id = messages[0]!.id;
    const first = await deliverOutboxMessage(prisma, { outboxId: id });
    expect(first).toMatchObject({ status: "sent" });
    expect(await deliverOutboxMessage(prisma, { outboxId: id })).toEqual({ status: "already-done", was: "sent" });
    expect(await prisma.devMailboxMessage.count({ where: { idempotencyKey: id } })).toBe(1);
  });

  it("a missing row is retried a few times (Trigger.dev may run before notify commits), then fails for good", async () => {
    const missing = "01970000-0000-7000-8000-000000000000";
    const early = await deliverOutboxMessage(prisma, { outboxId: missing, attempt: 1 }).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(Error);
    expect((early as Error).name).toBe("Error");
    await expect(deliverOutboxMessage(prisma, { outboxId: missing, attempt: 3 })).rejects.toMatchObject({ name: "PermanentJobError" });
  });

  it("SMS and push go through their providers; the local ones log masked recipients only", async () => {
    const user = await userWithEverything({ push: 1 });
    await setNotificationPreferences(prisma, { userId: user.userId, preferences: [{ category: "billing", channel: "sms", enabled: true }] });
    const { messages } = await notify(prisma, { event: "billing.payment-failed", recipients: [{ userId: user.userId }], data: failedData, idempotencyKey: `logs:${user.userId}` });
    const lines: string[] = [];
    const providers = { sms: createLocalSmsProvider((l) => lines.push(l)), push: createLocalPushProvider((l) => lines.push(l)) };
    for (const m of messages.filter((x) => x.channel !== "email")) {
      expect(await deliverOutboxMessage(prisma, { outboxId: m.id, providers })).toMatchObject({ status: "sent" });
    }
    const endpoint = (await prisma.pushSubscription.findFirstOrThrow({ where: { userId: user.userId } })).endpoint;
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.startsWith("[sms:local]"))).toContain("to=+49*********78");
    expect(lines.find((l) => l.startsWith("[push:local]"))).toContain("to=https://push.example.com/…");
    for (const line of lines) {
      expect(line).not.toContain("+4915112345678");
      expect(line).not.toContain(endpoint);
      expect(line).not.toContain(user.email);
      expect(line).not.toContain("Acme");
    }
  });

  it("a push service saying the subscription is gone fails the row and deletes the subscription", async () => {
    const user = await userWithEverything({ phone: false, push: 1 });
    const { messages } = await notify(prisma, { event: "usage.warning", recipients: [{ userId: user.userId }], data: usageData, idempotencyKey: `gone:${user.userId}` });
    const push = messages.find((m) => m.channel === "push")!;
    const gone = { name: "web-push" as const, send: async () => Promise.reject(new PushDeliveryError("Push service answered 410: expired", false, 410, true)) };
    await expect(deliverOutboxMessage(prisma, { outboxId: push.id, providers: { push: gone } })).rejects.toMatchObject({ name: "PermanentJobError" });
    expect(await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: push.id } })).toMatchObject({ status: "failed", lastError: "Push service answered 410: expired" });
    expect(await prisma.pushSubscription.count({ where: { userId: user.userId } })).toBe(0);
  });
});
