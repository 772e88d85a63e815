import { z } from "zod";

// Dodo Payments' env (names follow the SDK's). All optional: without DODO_PAYMENTS_API_KEY billing runs
// on the local simulator. Product ids are read at call time by src/server/domain/plans/plans.ts.
const productId = z.string().trim().min(1).optional();

export const paymentsKeys = {
  DODO_PAYMENTS_API_KEY: z.string().min(1).optional(),
  /** Standard Webhooks secret; the simulator signs with it too. Unset in dev: a generated one is used. */
  DODO_PAYMENTS_WEBHOOK_KEY: z.string().startsWith("whsec_", "DODO_PAYMENTS_WEBHOOK_KEY must start with whsec_").optional(),
  /** Never defaults to live: the SDK's own default is live_mode, ours is test_mode. */
  DODO_PAYMENTS_ENVIRONMENT: z.enum(["test_mode", "live_mode"]).default("test_mode"),
  /** Points the SDK at another host (a local fake server in tests). */
  DODO_PAYMENTS_BASE_URL: z.url().optional(),
  /** Days a past-due tenant keeps access before suspension (3-7; default in billing/state-machine.ts). */
  BILLING_GRACE_DAYS: z.coerce.number().int().min(3, "BILLING_GRACE_DAYS must be 3-7").max(7, "BILLING_GRACE_DAYS must be 3-7").optional(),
  DODO_PRODUCT_PRO_MONTHLY: productId,
  DODO_PRODUCT_PRO_YEARLY: productId,
  DODO_PRODUCT_BUSINESS_MONTHLY: productId,
  DODO_PRODUCT_BUSINESS_YEARLY: productId,
  DODO_PRODUCT_USAGE_UNITS: productId,
  DODO_PRODUCT_CREDITS_1K: productId,
  DODO_PRODUCT_CREDITS_5K: productId,
  DODO_PRODUCT_CREDITS_20K: productId,
};
