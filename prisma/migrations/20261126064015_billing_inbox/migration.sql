-- CreateEnum
CREATE TYPE "payment_event_status" AS ENUM ('received', 'processed', 'failed', 'ignored');

-- CreateEnum
CREATE TYPE "credit_ledger_kind" AS ENUM ('grant', 'purchase', 'consume', 'refund', 'expire');

-- CreateTable
CREATE TABLE "billing_customers" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "provider_customer_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "billing_customers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "billing_tenant_subscriptions" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "provider_subscription_id" TEXT NOT NULL,
    "product_id" TEXT,
    "plan_id" TEXT,
    "interval" TEXT,
    "state" TEXT NOT NULL,
    "grace_ends_at" TIMESTAMP(3),
    "period_end" TIMESTAMP(3),
    "cancel_at_period_end" BOOLEAN NOT NULL DEFAULT false,
    "last_event_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "billing_tenant_subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "billing_payment_events" (
    "id" TEXT NOT NULL,
    "provider" TEXT NOT NULL DEFAULT 'dodo',
    "provider_event_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMP(3),
    "status" "payment_event_status" NOT NULL DEFAULT 'received',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "note" TEXT,
    "tenant_id" TEXT,

    CONSTRAINT "billing_payment_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "billing_one_time_payments" (
    "id" TEXT NOT NULL,
    "provider" TEXT NOT NULL DEFAULT 'dodo',
    "provider_payment_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "amount_minor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "billing_one_time_payments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tenant_credit_ledgers" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "kind" "credit_ledger_kind" NOT NULL,
    "amount" INTEGER NOT NULL,
    "expires_at" TIMESTAMP(3),
    "reference" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_credit_ledgers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "billing_customers_provider_provider_customer_id_key" ON "billing_customers"("provider", "provider_customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "billing_customers_tenant_id_provider_key" ON "billing_customers"("tenant_id", "provider");

-- CreateIndex
CREATE UNIQUE INDEX "billing_tenant_subscriptions_tenant_id_key" ON "billing_tenant_subscriptions"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "billing_tenant_subscriptions_provider_subscription_id_key" ON "billing_tenant_subscriptions"("provider_subscription_id");

-- CreateIndex
CREATE UNIQUE INDEX "billing_payment_events_provider_event_id_key" ON "billing_payment_events"("provider_event_id");

-- CreateIndex
CREATE INDEX "billing_payment_events_status_received_at_idx" ON "billing_payment_events"("status", "received_at");

-- CreateIndex
CREATE INDEX "billing_payment_events_tenant_id_received_at_idx" ON "billing_payment_events"("tenant_id", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "billing_one_time_payments_provider_payment_id_key" ON "billing_one_time_payments"("provider_payment_id");

-- CreateIndex
CREATE INDEX "billing_one_time_payments_tenant_id_created_at_idx" ON "billing_one_time_payments"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "tenant_credit_ledgers_tenant_id_created_at_idx" ON "tenant_credit_ledgers"("tenant_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "tenant_credit_ledgers_kind_reference_key" ON "tenant_credit_ledgers"("kind", "reference");

-- AddForeignKey
ALTER TABLE "billing_customers" ADD CONSTRAINT "billing_customers_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "billing_tenant_subscriptions" ADD CONSTRAINT "billing_tenant_subscriptions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "billing_payment_events" ADD CONSTRAINT "billing_payment_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "billing_one_time_payments" ADD CONSTRAINT "billing_one_time_payments_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenant_credit_ledgers" ADD CONSTRAINT "tenant_credit_ledgers_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
