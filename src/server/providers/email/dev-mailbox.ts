import type { DbTx } from "@/server/db/client";
import type { EmailMessage, EmailProvider } from "./types";

/** The local default: every email is stored and shown at /dev/mailbox, so links are clickable without an account. */
export function createDevMailboxProvider(opts: { db: DbTx; from: string }): EmailProvider {
  return {
    name: "dev-mailbox",
    async send(message: EmailMessage) {
      if (message.idempotencyKey) {
        const seen = await opts.db.devMailboxMessage.findFirst({
          where: { tags: { path: ["idempotencyKey"], equals: message.idempotencyKey } },
          select: { id: true },
        });
        if (seen) return seen;
      }
      const stored = await opts.db.devMailboxMessage.create({
        data: {
          to: message.to.toLowerCase(),
          from: opts.from,
          subject: message.subject,
          html: message.html,
          text: message.text,
          tags: { ...message.tags, ...(message.idempotencyKey ? { idempotencyKey: message.idempotencyKey } : {}) },
        },
        select: { id: true },
      });
      return stored;
    },
  };
}

export function listDevMailbox(db: DbTx, opts: { to?: string; take?: number } = {}) {
  return db.devMailboxMessage.findMany({
    where: opts.to ? { to: opts.to.toLowerCase() } : {},
    orderBy: { createdAt: "desc" },
    take: opts.take ?? 50,
    select: { id: true, to: true, subject: true, createdAt: true },
  });
}

export function getDevMailboxMessage(db: DbTx, id: string) {
  return db.devMailboxMessage.findUnique({ where: { id } });
}
