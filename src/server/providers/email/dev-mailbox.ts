import { Prisma } from "@/generated/prisma/client";
import type { DbTx } from "@/server/db/client";
import type { EmailMessage, EmailProvider } from "./types";

/**
 * The local default: every email is stored and shown at /dev/mailbox, so links are clickable without an
 * account. Who may read which message is decided in src/server/domain/dev-mailbox/access.ts.
 */
export function createDevMailboxProvider(opts: { db: DbTx; from: string }): EmailProvider {
  return {
    name: "dev-mailbox",
    async send(message: EmailMessage) {
      const data = {
        to: message.to.toLowerCase(),
        from: opts.from,
        subject: message.subject,
        html: message.html,
        text: message.text,
        tags: message.tags ?? {},
      };
      const idempotencyKey = message.idempotencyKey;
      if (!idempotencyKey) return opts.db.devMailboxMessage.create({ data, select: { id: true } });
      const firstSend = () => opts.db.devMailboxMessage.findUnique({ where: { idempotencyKey }, select: { id: true } });
      const seen = await firstSend();
      if (seen) return seen;
      try {
        return await opts.db.devMailboxMessage.create({ data: { ...data, idempotencyKey }, select: { id: true } });
      } catch (error) {
        // A concurrent retry inserted first: the unique key refused ours, theirs is the message.
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
          const winner = await firstSend();
          if (winner) return winner;
        }
        throw error;
      }
    },
  };
}

/** Every message (or every message to `to`), unscoped: for tests and tools. Pages go through access.ts. */
export function listDevMailbox(db: DbTx, opts: { to?: string; take?: number } = {}) {
  return db.devMailboxMessage.findMany({
    where: opts.to ? { to: opts.to.toLowerCase() } : {},
    orderBy: { createdAt: "desc" },
    take: opts.take ?? 50,
    select: { id: true, to: true, subject: true, createdAt: true },
  });
}
