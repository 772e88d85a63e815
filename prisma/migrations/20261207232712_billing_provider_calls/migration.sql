-- CreateTable
CREATE TABLE "billing_provider_calls" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "lease_until" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "billing_provider_calls_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "billing_provider_calls_tenant_id_provider_action_key" ON "billing_provider_calls"("tenant_id", "provider", "action");

-- AddForeignKey
ALTER TABLE "billing_provider_calls" ADD CONSTRAINT "billing_provider_calls_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
