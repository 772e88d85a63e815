-- AlterTable
ALTER TABLE "billing_payment_events" ADD COLUMN     "amount_minor" INTEGER,
ADD COLUMN     "checkout_id" TEXT,
ADD COLUMN     "currency" TEXT,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'unhandled',
ADD COLUMN     "metadata_tenant_id" TEXT,
ADD COLUMN     "occurred_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "period_end" TIMESTAMP(3),
ADD COLUMN     "product_id" TEXT,
ADD COLUMN     "provider_customer_id" TEXT,
ADD COLUMN     "provider_payment_id" TEXT,
ADD COLUMN     "provider_refund_id" TEXT,
ADD COLUMN     "provider_subscription_id" TEXT,
ADD COLUMN     "quantity" INTEGER;

-- CreateIndex
CREATE INDEX "billing_payment_events_provider_payment_id_idx" ON "billing_payment_events"("provider_payment_id");

-- CreateIndex
CREATE INDEX "billing_payment_events_checkout_id_idx" ON "billing_payment_events"("checkout_id");

-- Backfill: every stored row came from Dodo or the simulator (Dodo's body), normalized as
-- src/server/providers/payments/dodo-webhooks.ts does.
UPDATE "billing_payment_events" AS e
SET "occurred_at" = COALESCE(
      (CASE WHEN e."payload"->>'timestamp' ~ '^\d{4}-\d{2}-\d{2}T' THEN (e."payload"->>'timestamp')::timestamptz AT TIME ZONE 'UTC' END),
      e."received_at"),
    "metadata_tenant_id" = NULLIF(p.d->'metadata'->>'tenantId', ''),
    "checkout_id" = NULLIF(p.d->'metadata'->>'checkoutId', ''),
    "provider_customer_id" = NULLIF(p.d->'customer'->>'customer_id', ''),
    "provider_subscription_id" = NULLIF(COALESCE(p.d->>'subscription_id', p.d->'subscription_ids'->>0), ''),
    "provider_payment_id" = NULLIF(p.d->>'payment_id', ''),
    "provider_refund_id" = NULLIF(p.d->>'refund_id', ''),
    "product_id" = NULLIF(COALESCE(p.d->'product_cart'->0->>'product_id', CASE WHEN e."type" LIKE 'subscription.%' THEN p.d->>'product_id' END), ''),
    "quantity" = CASE
      WHEN jsonb_typeof(p.d->'product_cart'->0) = 'object' THEN COALESCE((p.d->'product_cart'->0->>'quantity')::int, 1)
      WHEN e."type" LIKE 'subscription.%' AND jsonb_typeof(p.d->'quantity') = 'number' THEN (p.d->>'quantity')::int
    END,
    "amount_minor" = CASE
      WHEN e."type" LIKE 'refund.%' AND jsonb_typeof(p.d->'amount') = 'number' THEN (p.d->>'amount')::int
      WHEN e."type" LIKE 'payment.%' AND jsonb_typeof(p.d->'total_amount') = 'number' THEN (p.d->>'total_amount')::int
      WHEN e."type" LIKE 'subscription.%' AND jsonb_typeof(p.d->'recurring_pre_tax_amount') = 'number' THEN (p.d->>'recurring_pre_tax_amount')::int
    END,
    "currency" = NULLIF(p.d->>'currency', ''),
    "period_end" = CASE
      WHEN e."type" LIKE 'subscription.%' AND p.d->>'next_billing_date' ~ '^\d{4}-\d{2}-\d{2}T' THEN (p.d->>'next_billing_date')::timestamptz AT TIME ZONE 'UTC'
    END,
    "kind" = CASE
      WHEN e."type" IN ('payment.succeeded', 'payment.failed') AND COALESCE(p.d->>'subscription_id', p.d->'subscription_ids'->>0, '') <> ''
        THEN 'subscription.' || replace(e."type", '.', '_')
      WHEN e."type" IN ('payment.succeeded', 'payment.failed', 'refund.succeeded') THEN e."type"
      WHEN e."type" IN ('subscription.updated', 'subscription.plan_changed', 'subscription.active') THEN
        CASE
          WHEN p.d->>'status' = 'active' AND p.d->>'cancel_at_next_billing_date' = 'true' THEN 'subscription.cancelled'
          WHEN e."type" = 'subscription.active' THEN 'subscription.active'
          WHEN p.d->>'status' IN ('active', 'on_hold', 'past_due', 'paused', 'cancelled', 'expired', 'failed') THEN 'subscription.' || (p.d->>'status')
          ELSE 'unhandled'
        END
      WHEN e."type" IN ('subscription.renewed', 'subscription.on_hold', 'subscription.past_due', 'subscription.paused',
                        'subscription.unpaused', 'subscription.cancelled', 'subscription.expired', 'subscription.failed') THEN e."type"
      ELSE 'unhandled'
    END
FROM (SELECT "id", CASE WHEN jsonb_typeof("payload"->'data') = 'object' THEN "payload"->'data' ELSE '{}'::jsonb END AS d FROM "billing_payment_events") AS p
WHERE p."id" = e."id";

-- Nothing of an event billing does not act on is read (as parseWebhook does).
UPDATE "billing_payment_events"
SET "metadata_tenant_id" = NULL, "checkout_id" = NULL, "provider_customer_id" = NULL, "provider_subscription_id" = NULL,
    "provider_payment_id" = NULL, "provider_refund_id" = NULL, "product_id" = NULL, "quantity" = NULL,
    "amount_minor" = NULL, "currency" = NULL, "period_end" = NULL
WHERE "kind" = 'unhandled';
