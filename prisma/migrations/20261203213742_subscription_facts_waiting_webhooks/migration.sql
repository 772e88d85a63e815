-- AlterEnum
ALTER TYPE "payment_event_status" ADD VALUE 'waiting';

-- AlterTable
ALTER TABLE "billing_payment_events" ADD COLUMN     "deliveries" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "wait_until" TIMESTAMP(3),
ADD COLUMN     "waiting_for" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "billing_subscription_events" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "provider_subscription_id" TEXT NOT NULL,
    "inbox_event_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "occurred_at" TIMESTAMP(3) NOT NULL,
    "period_end" TIMESTAMP(3),
    "product_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "billing_subscription_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "billing_subscription_events_inbox_event_id_key" ON "billing_subscription_events"("inbox_event_id");

-- CreateIndex
CREATE INDEX "billing_subscription_events_tenant_id_provider_subscription_idx" ON "billing_subscription_events"("tenant_id", "provider_subscription_id", "occurred_at");

-- CreateIndex
CREATE INDEX "billing_payment_events_waiting_for_idx" ON "billing_payment_events" USING GIN ("waiting_for");

-- AddForeignKey
ALTER TABLE "billing_subscription_events" ADD CONSTRAINT "billing_subscription_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill: the subscription events already applied, mapped as billingEventFromDodo (state-machine.ts)
-- maps a webhook, so the first fold after this migration starts from the same history.
INSERT INTO "billing_subscription_events" ("id", "tenant_id", "provider_subscription_id", "inbox_event_id", "kind", "occurred_at", "period_end", "product_id")
SELECT gen_random_uuid()::text, e.tenant_id, e.sub, e.id, e.kind, e.at, e.period_end, e.product
FROM (
  SELECT ev.id, ev.tenant_id,
    ev.payload->'data'->>'subscription_id' AS sub,
    (ev.payload->>'timestamp')::timestamptz AT TIME ZONE 'UTC' AS at,
    (ev.payload->'data'->>'next_billing_date')::timestamptz AT TIME ZONE 'UTC' AS period_end,
    COALESCE(ev.payload->'data'->'product_cart'->0->>'product_id', ev.payload->'data'->>'product_id') AS product,
    CASE
      WHEN ev.type IN ('payment.succeeded', 'payment.failed') THEN ev.type
      WHEN ev.type IN ('subscription.updated', 'subscription.plan_changed', 'subscription.active')
        AND COALESCE(ev.payload->'data'->>'status', 'active') = 'active'
        AND COALESCE((ev.payload->'data'->>'cancel_at_next_billing_date')::boolean, false) THEN 'subscription.cancelled'
      WHEN ev.type IN ('subscription.updated', 'subscription.plan_changed') THEN 'subscription.' || (ev.payload->'data'->>'status')
      ELSE ev.type
    END AS kind
  FROM "billing_payment_events" ev
  WHERE ev.status = 'processed' AND ev.tenant_id IS NOT NULL
    AND ev.payload->'data'->>'subscription_id' IS NOT NULL
    AND (ev.type LIKE 'subscription.%' OR ev.type IN ('payment.succeeded', 'payment.failed'))
) e
WHERE e.kind IN ('subscription.active', 'subscription.renewed', 'subscription.on_hold', 'subscription.past_due',
  'subscription.paused', 'subscription.unpaused', 'subscription.cancelled', 'subscription.expired',
  'subscription.failed', 'payment.succeeded', 'payment.failed');
