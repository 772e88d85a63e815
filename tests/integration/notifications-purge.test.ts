/**
 * The outbox's rendered data (links with tokens) is emptied a day after a message was sent or skipped;
 * pending and failed messages keep it for their retry; a second run changes nothing.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { prisma } from "@/server/db/client";
import type { JobDefinition } from "@/server/domain/jobs";
import { purgeSentOutboxData, purgeSentOutboxDataJob } from "@/server/domain/notifications/purge";
import { runCronJob } from "../helpers/usage-jobs";
import { DAY_MS, HOUR_MS } from "@/lib/time";

const now = new Date("2031-05-10T12:00:00Z");

async function outboxRow(status: string, at: Date, sentAt: Date | null) {
  return prisma.notificationOutbox.create({
    data: {
      event: "auth.magic-link",
      category: "security",
      channel: "email",
      recipient: "someone@example.com",
      template: "magicLink",
      data: { url: `https://app.example.com/magic-link?token=${randomUUID()}` },
      idempotencyKey: randomUUID(),
      status,
      sentAt,
      createdAt: at,
    },
  });
}

describe("purgeSentOutboxData", () => {
  it("empties data of messages sent or skipped over a day ago, and nothing else", async () => {
    const oldSent = await outboxRow("sent", new Date(now.getTime() - 3 * DAY_MS), new Date(now.getTime() - 2 * DAY_MS));
    const oldSkipped = await outboxRow("skipped", new Date(now.getTime() - 2 * DAY_MS), null);
    const recentSent = await outboxRow("sent", new Date(now.getTime() - 2 * HOUR_MS), new Date(now.getTime() - HOUR_MS));
    const oldFailed = await outboxRow("failed", new Date(now.getTime() - 5 * DAY_MS), null);
    const oldPending = await outboxRow("pending", new Date(now.getTime() - 5 * DAY_MS), null);

    expect(await purgeSentOutboxData(prisma, now)).toBe(2);
    const data = async (id: string) => (await prisma.notificationOutbox.findUniqueOrThrow({ where: { id } })).data;
    expect(await data(oldSent.id)).toEqual({});
    expect(await data(oldSkipped.id)).toEqual({});
    for (const kept of [recentSent, oldFailed, oldPending]) expect(await data(kept.id)).toEqual(kept.data);
    // The row stays: who was told what, when.
    expect(await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: oldSent.id } })).toMatchObject({ status: "sent", recipient: "someone@example.com" });
    expect(await purgeSentOutboxData(prisma, now)).toBe(0);
  });

  it("runs as a daily cron job through the job runner", async () => {
    const old = await outboxRow("sent", new Date(Date.now() - 3 * DAY_MS), new Date(Date.now() - 2 * DAY_MS));
    const results = await runCronJob(purgeSentOutboxDataJob as JobDefinition<unknown>);
    expect(results).toHaveLength(1);
    expect((await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: old.id } })).data).toEqual({});
  });
});
