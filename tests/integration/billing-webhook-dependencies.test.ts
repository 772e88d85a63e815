/**
 * Webhooks that depend on other webhooks (issue 11, findings 1 and 6), on a controlled clock. A refund
 * that arrives before its payment waits for it (parked, woken when the payment is processed, re-checked
 * by a sweep, given up only after WAIT_WINDOW_MS); a redelivery of an event that failed past its retries
 * or is waiting queues it again; accepting a delivery does not run on an interactive transaction's timer.
 * Before the fix a refund threw "retry later", failed after ~4 minutes of backoff and was lost for good:
 * the redelivery answered "duplicate" and queued nothing.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DODO_PAYMENTS_WEBHOOK_KEY = "whsec_dGVzdC13ZWJob29rLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm";
  process.env.DODO_PRODUCT_PRO_MONTHLY = "prod_pro_monthly";
  process.env.DODO_PRODUCT_CREDITS_1K = "prod_credits_1k";
  process.env.DODO_PRODUCT_CREDITS_5K = "prod_credits_5k";
});

import { prisma } from "@/server/db/client";
import { sweepWaitingWebhookEvents, WAIT_WINDOW_MS } from "@/server/domain/billing/process-webhook";
import {
  creditBalance,
  creditPayment,
  deliverWebhook,
  dodoEvent,
  mulberry32,
  newBareTenant,
  refundEvent,
  subscriptionPayment,
  type Delivery,
} from "../helpers/dodo-webhooks";
import { drainJobs } from "../helpers/jobs";
import { MINUTE_MS, DAY_MS } from "@/lib/time";

const inboxRow = (d: Delivery) => prisma.billingPaymentEvent.findUniqueOrThrow({ where: { providerEventId: d.id } });

/** A PostgreSQL trigger that fails marking the given deliveries done, until dropped. */
async function failProcessingOf(ids: string[]) {
  await prisma.$executeRawUnsafe(`
    CREATE OR REPLACE FUNCTION test_fail_processing() RETURNS trigger AS $$
    BEGIN
      IF NEW.provider_event_id IN (${ids.map((id) => `'${id}'`).join(", ")}) AND NEW.status IN ('processed', 'ignored') THEN
        RAISE EXCEPTION 'injected failure';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql`);
  await prisma.$executeRawUnsafe(`CREATE TRIGGER test_fail_processing BEFORE UPDATE ON billing_payment_events FOR EACH ROW EXECUTE FUNCTION test_fail_processing()`);
}

afterEach(async () => {
  await prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS test_fail_processing ON billing_payment_events`);
  await prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS test_slow_insert ON billing_payment_events`);
});

describe("events that depend on other events", () => {
  it("refunds up to 30 minutes before their payments, payments failing past their retries then redelivered: exact ledgers", { timeout: 300_000 }, async () => {
    const random = mulberry32(11);
    const start = Date.now();
    const arrivals: { at: number; delivery: Delivery }[] = [];
    const expected = new Map<string, number>();
    /** Payments whose processing fails on every attempt until the fault is lifted. */
    const faulty: Delivery[] = [];
    for (let t = 0; t < 15; t++) {
      const tenantId = await newBareTenant();
      // 1,000 + 5,000 + 1,000 credits; a full refund of the first, a half refund of the second, nothing
      // to reverse for the refund of a subscription payment (it bought no credits).
      const packs = [
        { payment: `pay_${t}_a`, product: "prod_credits_1k", amount: 1_000, refund: 1_000 },
        { payment: `pay_${t}_b`, product: "prod_credits_5k", amount: 4_500, refund: 2_250 },
        { payment: `pay_${t}_c`, product: "prod_credits_1k", amount: 1_000, refund: 0 },
      ];
      for (const [i, pack] of packs.entries()) {
        const paidAt = new Date(start - 40 * MINUTE_MS + i * MINUTE_MS).toISOString();
        // The refund is delivered first; its payment 1-30 minutes later.
        const refundArrives = Math.floor(random() * 10) * MINUTE_MS;
        const paymentArrives = refundArrives + (1 + Math.floor(random() * 30)) * MINUTE_MS;
        const payment = creditPayment(tenantId, pack.payment, pack.product, pack.amount, paidAt);
        arrivals.push({ at: paymentArrives, delivery: payment });
        if (t < 3 && i === 0) faulty.push(payment);
        if (pack.refund) arrivals.push({ at: refundArrives, delivery: refundEvent(tenantId, `ref_${t}_${i}`, pack.payment, pack.refund, paidAt) });
      }
      const subscriptionPaymentId = `pay_${t}_sub`;
      arrivals.push({ at: 20 * MINUTE_MS, delivery: subscriptionPayment("payment.succeeded", tenantId, subscriptionPaymentId, new Date(start - 50 * MINUTE_MS).toISOString()) });
      arrivals.push({ at: 0, delivery: refundEvent(tenantId, `ref_${t}_sub`, subscriptionPaymentId, 2_900, new Date(start - 45 * MINUTE_MS).toISOString()) });
      expected.set(tenantId, 1_000 + 5_000 + 1_000 - 1_000 - 2_500);
    }

    // The provider delivers in arrival order; our runner works each simulated minute on that minute's clock.
    await failProcessingOf(faulty.map((d) => d.id));
    arrivals.sort((a, b) => a.at - b.at);
    let next = 0;
    let minute = 0;
    for (; minute <= 60; minute++) {
      for (; next < arrivals.length && arrivals[next]!.at <= minute * MINUTE_MS; next++) expect(await deliverWebhook(arrivals[next]!.delivery)).toBe(200);
      await drainJobs(prisma, { now: new Date(start + minute * MINUTE_MS), timeoutMs: 60_000 });
    }
    expect(next).toBe(arrivals.length);
    // The faulty payments failed past their retries; their refunds still wait for them.
    for (const payment of faulty) expect(await inboxRow(payment)).toMatchObject({ status: "failed", attempts: 8 });
    expect(await prisma.billingPaymentEvent.count({ where: { status: "waiting" } })).toBe(faulty.length);

    // The fault is fixed; the provider's next retry of those payments queues them again.
    await prisma.$executeRawUnsafe(`DROP TRIGGER test_fail_processing ON billing_payment_events`);
    for (const payment of faulty) expect(await deliverWebhook(payment)).toBe(200);
    await drainJobs(prisma, { now: new Date(start + minute * MINUTE_MS), timeoutMs: 60_000 });

    expect(await prisma.billingPaymentEvent.count({ where: { status: { notIn: ["processed", "ignored"] } } })).toBe(0);
    // Nothing open; the only failed jobs are the faulty payments' first ones (their redeliveries succeeded).
    const unfinished = await prisma.job.findMany({ where: { status: { not: "succeeded" } }, select: { status: true, payload: true } });
    const faultyRows = await Promise.all(faulty.map(inboxRow));
    expect(unfinished.map((j) => j.status)).toEqual(faulty.map(() => "failed"));
    expect(unfinished.map((j) => (j.payload as { eventId: string }).eventId).sort()).toEqual(faultyRows.map((r) => r.id).sort());
    for (const [tenantId, balance] of expected) {
      expect(await creditBalance(tenantId), tenantId).toBe(balance);
      expect(await prisma.tenantCreditLedger.count({ where: { tenantId, kind: "refund" } })).toBe(2);
      const payments = await prisma.billingOneTimePayment.findMany({ where: { tenantId }, orderBy: { providerPaymentId: "asc" } });
      expect(payments.map((p) => p.status)).toEqual(["refunded", "partially_refunded", "succeeded"]);
    }
  });

  it("an event that names no known tenant waits until one that does is processed", async () => {
    const tenantId = await newBareTenant();
    const customerId = `cus_${randomUUID()}`;
    // Neither metadata nor a known customer: nothing says whose refund this is yet.
    const orphan = dodoEvent("refund.succeeded", new Date().toISOString(), {
      refund_id: `ref_${randomUUID()}`,
      payment_id: `pay_${randomUUID()}`,
      amount: 1_000,
      currency: "USD",
      customer: { customer_id: customerId },
    });
    expect(await deliverWebhook(orphan)).toBe(200);
    await drainJobs(prisma);
    expect(await inboxRow(orphan)).toMatchObject({ status: "waiting", tenantId: null });
    expect((await inboxRow(orphan)).waitingFor).toContain(`customer:${customerId}`);

    const paid = creditPayment(tenantId, `pay_${randomUUID()}`, "prod_credits_1k", 1_000, new Date().toISOString());
    const body = JSON.parse(paid.body) as { data: Record<string, unknown> };
    body.data.customer = { customer_id: customerId };
    expect(await deliverWebhook({ id: paid.id, body: JSON.stringify(body) })).toBe(200);
    await drainJobs(prisma);
    // Woken and re-checked: its tenant is known now; its own payment is still missing, so it waits for that.
    const row = await inboxRow(orphan);
    expect(row).toMatchObject({ status: "waiting", tenantId });
    expect(row.waitingFor).toEqual([`payment:${(JSON.parse(orphan.body) as { data: { payment_id: string } }).data.payment_id}`]);
  });

  it("a waiting event is re-checked by the sweep, fails after its window, and the provider's next delivery takes it up again", async () => {
    const tenantId = await newBareTenant();
    const paymentId = `pay_${randomUUID()}`;
    const refund = refundEvent(tenantId, `ref_${randomUUID()}`, paymentId, 1_000, new Date().toISOString());
    expect(await deliverWebhook(refund)).toBe(200);
    await drainJobs(prisma);
    const parked = await inboxRow(refund);
    expect(parked).toMatchObject({ status: "waiting", waitingFor: [`payment:${paymentId}`] });
    expect(parked.waitUntil!.getTime() - parked.receivedAt.getTime()).toBe(WAIT_WINDOW_MS);
    expect(WAIT_WINDOW_MS).toBeGreaterThanOrEqual(2 * DAY_MS);

    // The sweep re-checks it (still no payment: waiting again, one more attempt).
    // (The sweep covers every waiting event of this file's database: counts are at least ours.)
    expect((await sweepWaitingWebhookEvents(prisma, new Date())).requeued).toBeGreaterThanOrEqual(1);
    await drainJobs(prisma);
    expect(await inboxRow(refund)).toMatchObject({ status: "waiting", attempts: 2 });

    // Past its window: failed for good, visible as such.
    const justBefore = await sweepWaitingWebhookEvents(prisma, new Date(parked.waitUntil!.getTime() - 1));
    await drainJobs(prisma);
    expect(justBefore.requeued).toBeGreaterThanOrEqual(1);
    expect(await inboxRow(refund)).toMatchObject({ status: "waiting", attempts: 3 });
    expect((await sweepWaitingWebhookEvents(prisma, new Date(parked.waitUntil!.getTime() + 1))).expired).toBeGreaterThanOrEqual(1);
    expect(await inboxRow(refund)).toMatchObject({ status: "failed", lastError: expect.stringMatching(/^Gave up waiting/) });

    // The payment comes after all, and the provider redelivers the refund: it is queued and applied.
    expect(await deliverWebhook(creditPayment(tenantId, paymentId, "prod_credits_1k", 1_000, new Date().toISOString()))).toBe(200);
    await drainJobs(prisma);
    expect(await creditBalance(tenantId)).toBe(1_000);
    expect(await deliverWebhook(refund)).toBe(200);
    await drainJobs(prisma);
    expect(await inboxRow(refund)).toMatchObject({ status: "processed", deliveries: 2, lastError: null });
    expect(await creditBalance(tenantId)).toBe(0);
  });
});

describe("redeliveries", () => {
  it("a redelivery re-queues an event that failed past its retries; one of a processed event queues nothing", { timeout: 120_000 }, async () => {
    const tenantId = await newBareTenant();
    const payment = creditPayment(tenantId, `pay_${randomUUID()}`, "prod_credits_1k", 1_000, new Date().toISOString());
    await failProcessingOf([payment.id]);
    expect(await deliverWebhook(payment)).toBe(200);
    // Every retry fails: move the clock past each backoff until the job gives up.
    for (let day = 0; (await prisma.job.count({ where: { status: { in: ["queued", "retrying"] } } })) > 0; day++) {
      expect(day).toBeLessThan(10);
      await drainJobs(prisma, { now: new Date(Date.now() + day * DAY_MS) });
    }
    expect(await inboxRow(payment)).toMatchObject({ status: "failed", lastError: expect.stringMatching(/injected failure/) });
    expect(await creditBalance(tenantId)).toBe(0);

    await prisma.$executeRawUnsafe(`DROP TRIGGER test_fail_processing ON billing_payment_events`);
    expect(await deliverWebhook(payment)).toBe(200);
    await drainJobs(prisma);
    expect(await inboxRow(payment)).toMatchObject({ status: "processed", deliveries: 2 });
    expect(await creditBalance(tenantId)).toBe(1_000);

    const jobs = await prisma.job.count({ where: { name: "billing.process-webhook" } });
    expect(await deliverWebhook(payment)).toBe(200);
    expect(await prisma.job.count({ where: { name: "billing.process-webhook" } })).toBe(jobs);
    expect(await inboxRow(payment)).toMatchObject({ status: "processed", deliveries: 3 });
  });

  it("a redelivery of an event whose first delivery stopped before queueing it queues it", async () => {
    const tenantId = await newBareTenant();
    const payment = creditPayment(tenantId, `pay_${randomUUID()}`, "prod_credits_1k", 1_000, new Date().toISOString());
    expect(await deliverWebhook(payment)).toBe(200);
    // As if the process died between storing the row and queueing its job.
    await prisma.job.deleteMany({ where: { idempotencyKey: (await inboxRow(payment)).id } });
    expect(await deliverWebhook(payment)).toBe(200);
    await drainJobs(prisma);
    expect(await inboxRow(payment)).toMatchObject({ status: "processed" });
    expect(await creditBalance(tenantId)).toBe(1_000);
  });
});

describe("accepting a delivery", () => {
  it("does not depend on a transaction timer: a store slower than Prisma's 5 s transaction limit still answers 200", { timeout: 60_000 }, async () => {
    await prisma.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION test_slow_insert() RETURNS trigger AS $$
      BEGIN
        IF NEW.provider_event_id LIKE 'msg_slow_%' THEN PERFORM pg_sleep(5.5); END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await prisma.$executeRawUnsafe(`CREATE TRIGGER test_slow_insert BEFORE INSERT ON billing_payment_events FOR EACH ROW EXECUTE FUNCTION test_slow_insert()`);
    const tenantId = await newBareTenant();
    const payment = creditPayment(tenantId, `pay_${randomUUID()}`, "prod_credits_1k", 1_000, new Date().toISOString());
    const slow = { ...payment, id: `msg_slow_${randomUUID()}` };
    expect(await deliverWebhook(slow)).toBe(200);
    await drainJobs(prisma);
    expect(await inboxRow(slow)).toMatchObject({ status: "processed" });
    expect(await creditBalance(tenantId)).toBe(1_000);
  });
});
