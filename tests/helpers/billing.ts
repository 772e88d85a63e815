/**
 * Billing fixtures with a controlled clock (`at(ms)`: instants after the minute the test file loaded in): a tenant with one person per role, Dodo webhooks delivered
 * through the real route handler and then processed with an explicit `now` (the queued
 * billing.process-webhook job finds the row done later), and readers for the notifications and timer
 * jobs the state machine's effects leave behind. Set DODO_PAYMENTS_WEBHOOK_KEY and the product ids in
 * vi.hoisted before importing this (src/env.ts reads them once).
 */
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { prisma } from "@/server/db/client";
import { processWebhookEvent } from "@/server/domain/billing/process-webhook";
import { addBareMember } from "./tenancy";
import { deliverWebhook, type Delivery } from "./dodo-webhooks";
import { MINUTE_MS } from "@/lib/time";

export const BILLING_URL = "http://localhost:3000/settings/billing";

/** The test file's time zero: the start of the minute it loaded in. */
const T0 = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
/** The instant `ms` after T0. */
export const at = (ms: number) => new Date(T0 + ms);

/** A tenant with an owner, an admin, a member and a guest (bare users: email only). */
export async function billingTenant(opts: { trialEndsAt?: Date } = {}) {
  const slug = `t-${randomUUID().slice(0, 12)}`;
  const tenant = await prisma.tenant.create({ data: { name: `Acme ${slug}`, slug, trialEndsAt: opts.trialEndsAt ?? null } });
  const owner = await addBareMember(tenant.id, { role: "owner" });
  const admin = await addBareMember(tenant.id, { role: "admin" });
  const member = await addBareMember(tenant.id, { role: "member" });
  const guest = await addBareMember(tenant.id, { role: "guest", memberType: "guest" });
  return { tenantId: tenant.id, name: tenant.name, owner, admin, member, guest, billingContacts: [owner.userId, admin.userId].sort() };
}

/** Delivers a signed webhook, then processes its inbox row at `now`; returns the row afterwards. */
export async function webhookAt(delivery: Delivery, now: Date) {
  expect(await deliverWebhook(delivery)).toBe(200);
  const row = await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { providerEventId: delivery.id } });
  await processWebhookEvent(prisma, row.id, { now });
  return prisma.billingPaymentEvent.findUniqueOrThrow({ where: { id: row.id } });
}

/** The outbox rows of one billing event for a tenant, oldest first. */
export const outbox = (tenantId: string, event: string) =>
  prisma.notificationOutbox.findMany({ where: { tenantId, event }, orderBy: [{ createdAt: "asc" }, { recipient: "asc" }] });

/** The user ids an event went to (one email each). */
export const recipientsOf = async (tenantId: string, event: string) => (await outbox(tenantId, event)).map((r) => r.userId).sort();

/** The timer jobs (billing.grace-end, ...) queued for a tenant, by their `<tenantId>:<job>:<at>` key. */
export const timers = (tenantId: string, name: string) =>
  prisma.job.findMany({ where: { name, idempotencyKey: { startsWith: `${tenantId}:${name}:` } }, orderBy: { runAt: "asc" } });

/** A timer's run_at is its due instant (to the few milliseconds between computing the delay and queueing). */
export function expectRunAt(job: { runAt: Date }, at: Date) {
  expect(Math.abs(job.runAt.getTime() - at.getTime())).toBeLessThan(1_000);
}

export const tenantRow = (tenantId: string) => prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
export const subscriptionRow = (tenantId: string) => prisma.billingTenantSubscription.findUniqueOrThrow({ where: { tenantId } });
