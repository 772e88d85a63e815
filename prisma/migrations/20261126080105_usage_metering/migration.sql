-- AlterTable
ALTER TABLE "tenant_credit_ledgers" ADD COLUMN     "lot_id" TEXT;

-- CreateTable
CREATE TABLE "usage_events" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "units" INTEGER NOT NULL,
    "project_id" TEXT,
    "actor_user_id" TEXT,
    "actor_type" TEXT NOT NULL,
    "occurred_at" TIMESTAMP(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reported_at" TIMESTAMP(3),

    CONSTRAINT "usage_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_aggregates" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "period_start" TIMESTAMP(3) NOT NULL,
    "period_end" TIMESTAMP(3) NOT NULL,
    "units" BIGINT NOT NULL,
    "aggregated_through" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_aggregates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_overage_fees" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "period_start" TIMESTAMP(3) NOT NULL,
    "period_end" TIMESTAMP(3) NOT NULL,
    "plan_id" TEXT NOT NULL,
    "included_units" BIGINT NOT NULL,
    "used_units" BIGINT NOT NULL,
    "overage_units" BIGINT NOT NULL,
    "amount_minor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_overage_fees_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_alerts" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "period_start" TIMESTAMP(3) NOT NULL,
    "threshold" INTEGER NOT NULL,
    "used_units" BIGINT NOT NULL,
    "limit_units" BIGINT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_alerts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "usage_events_tenant_id_metric_occurred_at_idx" ON "usage_events"("tenant_id", "metric", "occurred_at");

-- CreateIndex
CREATE INDEX "usage_events_metric_reported_at_occurred_at_idx" ON "usage_events"("metric", "reported_at", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "usage_events_tenant_id_idempotency_key_key" ON "usage_events"("tenant_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "usage_aggregates_tenant_id_metric_period_start_key" ON "usage_aggregates"("tenant_id", "metric", "period_start");

-- CreateIndex
CREATE UNIQUE INDEX "usage_overage_fees_tenant_id_metric_period_start_key" ON "usage_overage_fees"("tenant_id", "metric", "period_start");

-- CreateIndex
CREATE INDEX "usage_alerts_tenant_id_created_at_idx" ON "usage_alerts"("tenant_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "usage_alerts_tenant_id_metric_period_start_threshold_key" ON "usage_alerts"("tenant_id", "metric", "period_start", "threshold");

-- CreateIndex
CREATE INDEX "tenant_credit_ledgers_lot_id_idx" ON "tenant_credit_ledgers"("lot_id");

-- AddForeignKey
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_aggregates" ADD CONSTRAINT "usage_aggregates_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_overage_fees" ADD CONSTRAINT "usage_overage_fees_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_alerts" ADD CONSTRAINT "usage_alerts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
