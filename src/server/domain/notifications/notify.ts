import { createHash } from "node:crypto";
import type { Prisma } from "@/generated/prisma/client";
import { defaultLocale, type Locale } from "@/i18n/routing";
import type { Db, DbTx } from "@/server/db/client";
import { inTransaction } from "@/server/db/transaction";
import { enqueue } from "@/server/domain/jobs";
import { deliverNotification } from "./deliver";
import { getEventDef, type Channel, type EventData, type NotificationEvent } from "./events";
import { isChannelEnabled } from "./preferences";

/** A user of the app (every channel the event uses), or a bare address (email only: invitations, sign-up). */
export type Recipient = { userId: string; locale?: Locale } | { email: string; locale?: Locale };

export interface NotifyInput<E extends NotificationEvent> {
  event: E;
  recipients: readonly Recipient[];
  data: EventData<E>;
  tenantId?: string | null;
  /**
   * Names this occurrence of the event ("verify:<token>", "invitation:<id>:<sendCount>"). Each message gets
   * `${idempotencyKey}:${channel}:${recipient}`, so notifying the same occurrence again sends nothing new.
   */
  idempotencyKey: string;
}

export interface NotifyResult {
  messages: Array<{ id: string; channel: Channel; status: string; duplicate: boolean }>;
}

interface Row {
  channel: Channel;
  recipient: string;
  userId: string | null;
  locale: Locale;
  idempotencyKey: string;
  status: "pending" | "skipped";
}

/**
 * Queues an event for its recipients: one notification_outbox row per recipient and channel (status
 * "skipped" where the user turned the channel off) and one `notifications.deliver` job per pending row,
 * written in ONE transaction, so a message is queued exactly when its row exists. Returns at once;
 * the job renders and sends. Pass a transaction to queue together with your own writes.
 */
export async function notify<E extends NotificationEvent>(db: Db | DbTx, input: NotifyInput<E>): Promise<NotifyResult> {
  const def = getEventDef(input.event);
  if (!def) throw new Error(`Unknown notification event "${input.event}"`);
  const run = (tx: DbTx) => writeOutbox(tx, input, def);
  return inTransaction(db, run);
}

async function writeOutbox<E extends NotificationEvent>(
  tx: DbTx,
  input: NotifyInput<E>,
  def: NonNullable<ReturnType<typeof getEventDef>>,
): Promise<NotifyResult> {
  const rows: Row[] = [];
  for (const recipient of input.recipients) rows.push(...(await resolve(tx, recipient, input, def)));
  if (rows.length === 0) return { messages: [] };

  const data = { ...input.data, ...def.presetData } as unknown as Prisma.InputJsonValue;
  // ON CONFLICT DO NOTHING on the idempotency key: a duplicate neither fails this transaction (a P2002
  // would abort it) nor queues a second job; a concurrent twin waits on the index, then skips.
  const created = await tx.notificationOutbox.createManyAndReturn({
    data: rows.map((r) => ({
      event: input.event,
      category: def.category,
      channel: r.channel,
      userId: r.userId,
      tenantId: input.tenantId ?? null,
      recipient: r.recipient,
      locale: r.locale,
      template: def.template,
      data,
      idempotencyKey: r.idempotencyKey,
      status: r.status,
    })),
    skipDuplicates: true,
    select: { id: true, channel: true, status: true, idempotencyKey: true },
  });
  for (const row of created) {
    if (row.status === "pending") await enqueue(deliverNotification, { outboxId: row.id }, { idempotencyKey: row.id, db: tx });
  }
  const createdKeys = new Set(created.map((r) => r.idempotencyKey));
  const existing = await tx.notificationOutbox.findMany({
    where: { idempotencyKey: { in: rows.map((r) => r.idempotencyKey).filter((k) => !createdKeys.has(k)) } },
    select: { id: true, channel: true, status: true, idempotencyKey: true },
  });
  return {
    messages: [
      ...created.map((r) => ({ id: r.id, channel: r.channel as Channel, status: r.status, duplicate: false })),
      ...existing.map((r) => ({ id: r.id, channel: r.channel as Channel, status: r.status, duplicate: true })),
    ],
  };
}

// A unique btree entry holds at most ~2,700 bytes: a longer key (a caller's long key, a 3,000-character
// address) would fail the insert. Keys up to this length are stored verbatim (so existing ones still match);
// longer ones keep a readable prefix plus a hash of the whole key, still one key per occurrence.
const MAX_KEY_LENGTH = 200;
export function boundedKey(key: string): string {
  if (key.length <= MAX_KEY_LENGTH) return key;
  return `${key.slice(0, 100)}~sha256:${createHash("sha256").update(key).digest("base64url")}`;
}

async function resolve<E extends NotificationEvent>(
  tx: DbTx,
  recipient: Recipient,
  input: NotifyInput<E>,
  def: NonNullable<ReturnType<typeof getEventDef>>,
): Promise<Row[]> {
  const locale = recipient.locale ?? defaultLocale;
  const user = await tx.user.findUnique({
    where: "userId" in recipient ? { id: recipient.userId } : { email: recipient.email.toLowerCase() },
    select: { id: true, email: true, phoneNumber: true, pushSubscriptions: { select: { id: true, endpoint: true }, orderBy: { createdAt: "asc" } } },
  });
  if ("userId" in recipient && !user) return []; // deleted since the event happened: nobody to tell
  const userId = user?.id ?? null;
  const who = "userId" in recipient ? recipient.userId : recipient.email.toLowerCase();
  const key = (channel: Channel, suffix = "") => boundedKey(`${input.idempotencyKey}:${channel}:${who}${suffix}`);

  const rows: Row[] = [];
  for (const channel of def.channels) {
    const enabled = def.transactional || !userId || (await isChannelEnabled(tx, { userId, category: def.category, channel }));
    const status = enabled ? "pending" : "skipped";
    const base = { channel, userId, locale, status } as const;
    if (channel === "email") {
      const email = "email" in recipient ? recipient.email : (user?.email ?? null);
      if (email) rows.push({ ...base, recipient: email.toLowerCase(), idempotencyKey: key("email") });
    } else if (channel === "sms") {
      // Only to a user's own number; a bare address gets email only.
      const phone = "userId" in recipient ? (user?.phoneNumber ?? null) : null;
      if (phone) rows.push({ ...base, recipient: phone, idempotencyKey: key("sms") });
    } else {
      const subscriptions = "userId" in recipient ? (user?.pushSubscriptions ?? []) : [];
      for (const s of subscriptions) rows.push({ ...base, recipient: s.endpoint, idempotencyKey: key("push", `:${s.id}`) });
    }
  }
  return rows;
}
