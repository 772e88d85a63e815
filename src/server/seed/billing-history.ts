import { env } from "@/env";
import type { Db } from "@/server/db/client";
import { processWebhookEvent } from "@/server/domain/billing/process-webhook";
import { receiveWebhook } from "@/server/domain/billing/receive-webhook";
import { completeCheckout, createCheckoutSession } from "@/server/providers/payments/simulator/checkout";
import type { SimulatorContext } from "@/server/providers/payments/simulator/context";
import { buildDeliveryBody, deliverSimulatorEventJob, type SimulatorDelivery } from "@/server/providers/payments/simulator/deliver";
import { createSimulatorPaymentProvider } from "@/server/providers/payments/simulator/provider";
import { failRenewal, renewNow, setCancelAtPeriodEnd } from "@/server/providers/payments/simulator/subscriptions";
import { creditPackProductId, productIdFor } from "@/server/domain/plans/plans";
import { resolveWebhookSecret } from "@/server/providers/payments/webhook-secret";
import { signWebhook } from "@/server/providers/payments/webhook-signature";
import type { DemoBilling } from "./personas";
import { DAY_MS } from "@/lib/time";

// A persona's billing history, made the way it happens in the app: hosted checkouts paid on the payment
// simulator, renewals, a failed renewal, a cancellation, credit packs — each one's webhooks signed, received
// by the real inbox and processed by the real job code, back-dated to when it happened. The seeded
// subscription records, tenant badges, payments, ledgers and dunning notices are therefore exactly what the
// running app would have produced. Only on the simulator: with a Dodo API key there is nothing to replay.

export interface BillingHistoryTarget {
  tenantId: string;
  ownerEmail: string;
  ownerName: string;
  billing: DemoBilling;
}

/**
 * Delivers what the simulator queued, in order, in this process (the app may not be running yet while
 * the seed runs): the same body the delivery job would send, through receiveWebhook and the processing
 * job's function at the event's own time. The delivery jobs are then done; the processing jobs the inbox
 * queued find their event processed.
 */
async function deliverQueuedEvents(db: Db, secret: string): Promise<number> {
  const simulator = createSimulatorPaymentProvider({ db, appUrl: env.APP_URL, webhookSecret: () => secret });
  const jobs = await db.job.findMany({
    where: { name: deliverSimulatorEventJob.name, status: "queued" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  for (const job of jobs) {
    const delivery: SimulatorDelivery = deliverSimulatorEventJob.parse(job.payload);
    const body = await buildDeliveryBody(db, delivery);
    if (body === null) throw new Error(`seed: simulator record ${delivery.objectId} of ${delivery.type} is missing`);
    const headers = signWebhook(body, { secret, id: delivery.webhookId });
    const received = await receiveWebhook(db, { rawBody: body, headers, provider: simulator });
    if (received.status !== 200) throw new Error(`seed: the webhook inbox refused ${delivery.type}: ${received.error}`);
    await processWebhookEvent(db, received.eventId, { now: new Date(delivery.timestamp) });
    await db.job.update({
      where: { id: job.id },
      data: { status: "succeeded", attempts: 1, finishedAt: new Date(), result: { deliveredBy: "seed", eventId: received.eventId } },
    });
  }
  return jobs.length;
}

/** Replays each target's billing story once; a tenant with any processed billing event is left alone. */
export async function seedBillingHistory(db: Db, targets: readonly BillingHistoryTarget[], now: Date): Promise<{ tenants: number; events: number }> {
  if (env.DODO_PAYMENTS_API_KEY) return { tenants: 0, events: 0 };
  const secret = resolveWebhookSecret(env);
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY_MS);
  const ctxAt = (daysAgo: number): SimulatorContext => ({ db, appUrl: env.APP_URL, now: at(daysAgo) });
  let tenants = 0;
  let events = 0;

  for (const { tenantId, ownerEmail, ownerName, billing } of targets) {
    if ((await db.billingPaymentEvent.count({ where: { tenantId } })) > 0) continue;
    tenants += 1;
    // The first checkout creates the customer; later ones reuse it, as billing.checkout does.
    let customer: { email: string; name: string } | { customerId: string } = { email: ownerEmail, name: ownerName };
    const returnUrl = new URL("/settings/billing", env.APP_URL).toString();

    // Each step on its day, oldest first, so the inbox receives the story in the order it happened.
    const steps: { daysAgo: number; run: () => Promise<void> }[] = [];
    let subscriptionId: string | null = null;
    const s = billing.subscription;
    if (s) {
      const productId = productIdFor(s.plan, s.interval);
      if (!productId) throw new Error(`seed: no product id for ${s.plan} ${s.interval}`);
      steps.push({
        daysAgo: s.startedDaysAgo,
        run: async () => {
          const ctx = ctxAt(s.startedDaysAgo);
          const session = await createCheckoutSession(ctx, { kind: "subscription", productId, quantity: 1, customer, returnUrl, metadata: { tenantId } });
          const paid = await completeCheckout(ctx, session.sessionId, "pay");
          customer = { customerId: paid.customerId };
          subscriptionId = paid.subscriptionId;
        },
      });
      for (const daysAgo of s.renewedDaysAgo ?? []) steps.push({ daysAgo, run: async () => void (await renewNow(ctxAt(daysAgo), subscriptionId!)) });
      const failed = s.renewalFailedDaysAgo;
      if (failed !== undefined) steps.push({ daysAgo: failed, run: async () => void (await failRenewal(ctxAt(failed), subscriptionId!)) });
      const canceled = s.canceledDaysAgo;
      if (canceled !== undefined) steps.push({ daysAgo: canceled, run: async () => void (await setCancelAtPeriodEnd(ctxAt(canceled), subscriptionId!, true)) });
    }
    for (const pack of billing.creditPacks ?? []) {
      const productId = creditPackProductId(pack.pack);
      if (!productId) throw new Error(`seed: no product id for ${pack.pack}`);
      steps.push({
        daysAgo: pack.boughtDaysAgo,
        run: async () => {
          const ctx = ctxAt(pack.boughtDaysAgo);
          const session = await createCheckoutSession(ctx, { kind: "topup", productId, quantity: 1, customer, returnUrl, metadata: { tenantId } });
          customer = { customerId: (await completeCheckout(ctx, session.sessionId, "pay")).customerId };
        },
      });
    }
    // Stable sort: on the same day the subscription's start stays before what follows from it.
    for (const step of steps.toSorted((a, b) => b.daysAgo - a.daysAgo)) {
      await step.run();
      events += await deliverQueuedEvents(db, secret);
    }
  }
  return { tenants, events };
}
