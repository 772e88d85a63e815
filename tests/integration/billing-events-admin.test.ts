/**
 * The billing webhook inbox for platform staff (issue 5): admin.billingEvents.list / get / replay. A failed
 * event is listed, replay re-queues exactly one billing.process-webhook job under a new idempotency key and
 * the local runner then processes the event; only failed or ignored events can be replayed (CONFLICT
 * otherwise); every replay is audited; non-staff are refused; the page size is bounded.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

// src/env.ts parses process.env when first imported: set the product ids before any app module loads.
vi.hoisted(() => {
  process.env.DODO_PAYMENTS_WEBHOOK_KEY = "whsec_dGVzdC13ZWJob29rLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm";
  process.env.DODO_PRODUCT_PRO_MONTHLY = "prod_pro_monthly";
  process.env.DODO_PRODUCT_CREDITS_1K = "prod_credits_1k";
  process.env.DODO_PRODUCT_CREDITS_5K = "prod_credits_5k";
});

import type { PaymentEventStatus } from "@/generated/prisma/client";
import { prisma } from "@/server/db/client";
import { REPLAY_AUDIT_ACTION, WEBHOOK_EVENTS_PAGE_MAX } from "@/server/domain/billing/webhook-events-admin";
import { anonymousCaller, signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { drainJobs } from "../helpers/jobs";
import { expectTRPCError } from "../helpers/trpc-errors";
import { dodoInboxRow } from "../helpers/dodo-webhooks";

let staff: SignedInUser;
let customer: SignedInUser;

async function makeStaff(user: SignedInUser) {
  await prisma.tenant.delete({ where: { id: user.tenantId } });
  await prisma.platformRoleAssignment.create({ data: { userId: user.userId, role: "platform_admin" } });
  await prisma.user.update({ where: { id: user.userId }, data: { twoFactorEnabled: true } });
}

let seq = 0;

/** An inbox row as processing would leave it: a credit pack payment for `tenantId`. */
async function inboxRow(tenantId: string, status: PaymentEventStatus, extra: { lastError?: string; attempts?: number; type?: string } = {}) {
  seq += 1;
  const paymentId = `pay_${randomUUID()}`;
  const type = extra.type ?? "payment.succeeded";
  const data = {
    payment_id: paymentId,
    status: "succeeded",
    total_amount: 1000,
    currency: "USD",
    metadata: { tenantId },
    product_cart: [{ product_id: "prod_credits_1k", quantity: 1 }],
  };
  return prisma.billingPaymentEvent.create({
    data: {
      ...dodoInboxRow(type, new Date(), data),
      status,
      attempts: extra.attempts ?? 0,
      lastError: extra.lastError ?? null,
      receivedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
    },
  });
}

const balance = async (tenantId: string) => (await prisma.tenantCreditLedger.aggregate({ where: { tenantId }, _sum: { amount: true } }))._sum.amount ?? 0;
const replayAudits = (id: string) => prisma.auditLog.findMany({ where: { action: REPLAY_AUDIT_ACTION, targetId: id } });

beforeAll(async () => {
  [staff, customer] = await Promise.all([signUpAndSignIn({ name: "Billing Staff" }), signUpAndSignIn({ name: "Billing Customer" })]);
  await makeStaff(staff);
});

beforeEach(async () => {
  await prisma.job.deleteMany();
  await prisma.billingPaymentEvent.deleteMany();
  await prisma.auditLog.deleteMany({ where: { action: REPLAY_AUDIT_ACTION } });
});

describe("access", () => {
  it("refuses anonymous callers and tenant owners on every billingEvents procedure", async () => {
    const failed = await inboxRow(customer.tenantId, "failed", { lastError: "boom", attempts: 8 });
    const anonymous = await anonymousCaller();
    const calls = (c: SignedInUser["caller"]) => [
      c.admin.billingEvents.list({}),
      c.admin.billingEvents.get({ id: failed.id }),
      c.admin.billingEvents.replay({ id: failed.id }),
    ];
    for (const call of calls(anonymous)) await expectTRPCError(call, "UNAUTHORIZED", "UNAUTHENTICATED");
    for (const call of calls(customer.caller)) await expectTRPCError(call, "FORBIDDEN", "FORBIDDEN");
    expect(await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { id: failed.id } })).toMatchObject({ status: "failed" });
    expect(await prisma.job.count()).toBe(0);
    expect(await replayAudits(failed.id)).toHaveLength(0);
  });
});

describe("admin.billingEvents.list / get", () => {
  it("lists failed events under status=failed, newest first, without payloads; get returns the payload", async () => {
    const older = await inboxRow(customer.tenantId, "failed", { lastError: "x".repeat(400), attempts: 8 });
    const done = await inboxRow(customer.tenantId, "processed", { attempts: 1 });
    const newer = await inboxRow(customer.tenantId, "failed", { lastError: "No tenant", attempts: 8, type: "refund.succeeded" });

    const failed = await staff.caller.admin.billingEvents.list({ status: "failed" });
    expect(failed.items.map((e) => e.id)).toEqual([newer.id, older.id]);
    expect(failed.items[1]).toMatchObject({ status: "failed", attempts: 8, lastErrorTruncated: true });
    expect(failed.items[1]!.lastError!.length).toBeLessThan(400);
    expect(failed.items[0]).not.toHaveProperty("payload");

    const all = await staff.caller.admin.billingEvents.list({});
    expect(all.items.map((e) => e.id)).toEqual([newer.id, done.id, older.id]);
    const refunds = await staff.caller.admin.billingEvents.list({ type: "refund.succeeded" });
    expect(refunds.items.map((e) => e.id)).toEqual([newer.id]);

    const page1 = await staff.caller.admin.billingEvents.list({ limit: 2 });
    expect(page1.items).toHaveLength(2);
    const page2 = await staff.caller.admin.billingEvents.list({ limit: 2, cursor: page1.nextCursor });
    expect(page2).toEqual({ items: [expect.objectContaining({ id: older.id })], nextCursor: null });

    const detail = await staff.caller.admin.billingEvents.get({ id: older.id });
    expect(detail).toMatchObject({ id: older.id, lastError: "x".repeat(400), replays: 0 });
    expect(detail.payload).toMatchObject({ type: "payment.succeeded" });
    await expectTRPCError(staff.caller.admin.billingEvents.get({ id: "missing" }), "NOT_FOUND");
  });

  it("bounds the page size", async () => {
    const list = staff.caller.admin.billingEvents.list;
    await expectTRPCError(list({ limit: 0 }), "BAD_REQUEST");
    await expectTRPCError(list({ limit: WEBHOOK_EVENTS_PAGE_MAX + 1 }), "BAD_REQUEST");
    await expectTRPCError(list({ status: "exploded" as never }), "BAD_REQUEST");
    await expect(list({ limit: WEBHOOK_EVENTS_PAGE_MAX })).resolves.toMatchObject({ items: [] });
  });
});

describe("admin.billingEvents.replay", () => {
  it("re-queues exactly one job under a new key, audited, and the runner then processes the event", async () => {
    const event = await inboxRow(customer.tenantId, "failed", { lastError: "database hiccup", attempts: 8 });
    const before = await balance(customer.tenantId);

    const result = await staff.caller.admin.billingEvents.replay({ id: event.id });
    expect(result).toMatchObject({ id: event.id, status: "received", idempotencyKey: `${event.id}:replay:1` });
    const jobs = await prisma.job.findMany({ where: { name: "billing.process-webhook" } });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ id: result.jobId, idempotencyKey: `${event.id}:replay:1`, status: "queued", payload: { eventId: event.id } });
    expect(await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({ status: "received", lastError: null });

    const audits = await replayAudits(event.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actorUserId: staff.userId,
      targetType: "billing_payment_event",
      metadata: expect.objectContaining({ type: "payment.succeeded", fromStatus: "failed" }),
    });

    await drainJobs(prisma);
    expect(await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({ status: "processed", attempts: 9 });
    expect(await balance(customer.tenantId)).toBe(before + 1000);
    expect((await staff.caller.admin.billingEvents.get({ id: event.id })).replays).toBe(1);

    // A processed event cannot be replayed: CONFLICT, nothing queued, nothing audited.
    await expectTRPCError(staff.caller.admin.billingEvents.replay({ id: event.id }), "CONFLICT", "CONFLICT");
    expect(await prisma.job.count()).toBe(1);
    expect(await replayAudits(event.id)).toHaveLength(1);
  });

  it("replays an ignored event with the next key; re-applying an applied effect changes nothing", async () => {
    const event = await inboxRow(customer.tenantId, "failed", { lastError: "timeout" });
    await staff.caller.admin.billingEvents.replay({ id: event.id });
    await drainJobs(prisma);
    const credited = await balance(customer.tenantId);
    // Pretend an operator wants it run again: mark it ignored, replay a second time.
    await prisma.billingPaymentEvent.update({ where: { id: event.id }, data: { status: "ignored" } });
    const second = await staff.caller.admin.billingEvents.replay({ id: event.id });
    expect(second.idempotencyKey).toBe(`${event.id}:replay:2`);
    expect(await prisma.job.count({ where: { name: "billing.process-webhook" } })).toBe(2);
    await drainJobs(prisma);
    expect(await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({ status: "processed", note: "already credited" });
    expect(await balance(customer.tenantId)).toBe(credited);
    expect((await replayAudits(event.id)).map((a) => a.metadata)).toEqual(
      expect.arrayContaining([expect.objectContaining({ fromStatus: "failed" }), expect.objectContaining({ fromStatus: "ignored" })]),
    );
  });

  it("refuses received and processed events with CONFLICT and a missing one with NOT_FOUND", async () => {
    for (const status of ["received", "processed"] as const) {
      const event = await inboxRow(customer.tenantId, status);
      await expectTRPCError(staff.caller.admin.billingEvents.replay({ id: event.id }), "CONFLICT", "CONFLICT");
      expect(await prisma.billingPaymentEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({ status });
    }
    await expectTRPCError(staff.caller.admin.billingEvents.replay({ id: "missing" }), "NOT_FOUND");
    expect(await prisma.job.count()).toBe(0);
    expect(await prisma.auditLog.count({ where: { action: REPLAY_AUDIT_ACTION } })).toBe(0);
  });
});
