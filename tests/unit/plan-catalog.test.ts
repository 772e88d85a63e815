/** src/server/domain/plans/plans.ts: the plan catalogue's invariants and product-id lookups. */
import { afterEach, describe, expect, it } from "vitest";
import {
  BILLING_INTERVALS,
  DEFAULT_PLAN,
  LIMIT_KEYS,
  PLAN_ORDER,
  creditPackExpiresAt,
  creditPackProductId,
  creditPacks,
  findByProductId,
  isCreditPackId,
  isPlanId,
  limitsFor,
  nextPlan,
  overrunFor,
  planById,
  plans,
  productEnvNames,
  productIdFor,
  usageAddOn,
  usageAddOnProductId,
  type CreditPackId,
} from "@/server/domain/plans/plans";
import { env } from "@/env";
import { paymentsKeys } from "@/server/providers/payments/keys";

// The catalogue reads product ids from the app's parsed env (src/env.ts), at call time.
const appEnv = env as Record<string, unknown>;
const saved = new Map<string, unknown>();
function setEnv(name: string, value: string | undefined): void {
  if (!saved.has(name)) saved.set(name, appEnv[name]);
  if (value === undefined) delete appEnv[name];
  else appEnv[name] = value;
}
afterEach(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete appEnv[name];
    else appEnv[name] = value;
  }
  saved.clear();
});

describe("plan catalogue", () => {
  it("has unique ids and unique product env names", () => {
    const ids = [...Object.keys(plans), ...Object.keys(creditPacks), usageAddOn.id];
    expect(new Set(ids).size).toBe(ids.length);
    expect(PLAN_ORDER).toEqual(Object.keys(plans));
    const names = productEnvNames();
    expect(new Set(names).size).toBe(names.length);
  });

  it("declares every product env name in the payments keys (and nothing else under DODO_PRODUCT_)", () => {
    const declared = Object.keys(paymentsKeys).filter((k) => k.startsWith("DODO_PRODUCT_"));
    expect([...declared].sort()).toEqual([...productEnvNames()].sort());
  });

  it("keeps the free default plan and the shape existing callers use", () => {
    expect(DEFAULT_PLAN).toBe("starter");
    expect(plans.starter.prices).toBeNull();
    expect(plans.starter.trialDays).toBeGreaterThan(0);
    for (const id of PLAN_ORDER) {
      const { projects, seats, guests } = plans[id].limits;
      for (const n of [projects, seats, guests]) expect(Number.isInteger(n) && n > 0).toBe(true);
    }
    expect(isPlanId("pro")).toBe(true);
    expect(isPlanId("enterprise")).toBe(false);
    expect(isPlanId("toString")).toBe(false);
  });

  it("gives every paid plan both intervals with a price and a product env name", () => {
    for (const id of PLAN_ORDER) {
      const plan = plans[id];
      if (plan.prices === null) {
        expect(plan.productEnv).toBeNull();
        continue;
      }
      for (const interval of BILLING_INTERVALS) {
        expect(plan.prices[interval].amount).toBeGreaterThan(0);
        expect(plan.prices[interval].currency).toBe("USD");
        expect(plan.productEnv?.[interval]).toMatch(/^DODO_PRODUCT_/);
      }
      // yearly is a discount, never a surcharge
      expect(plan.prices.yearly.amount).toBeLessThan(plan.prices.monthly.amount * 12);
    }
  });

  it("has limits and prices monotonic from starter to business", () => {
    for (let i = 1; i < PLAN_ORDER.length; i++) {
      const lower = plans[PLAN_ORDER[i - 1]!];
      const higher = plans[PLAN_ORDER[i]!];
      for (const key of LIMIT_KEYS) expect(higher.limits[key], key).toBeGreaterThanOrEqual(lower.limits[key]);
      const lowerPrice = lower.prices?.monthly.amount ?? 0;
      expect(higher.prices?.monthly.amount ?? 0).toBeGreaterThan(lowerPrice);
    }
  });

  it("offers an upgrade only where a bigger plan exists", () => {
    for (const id of PLAN_ORDER) {
      for (const key of LIMIT_KEYS) {
        if (overrunFor(id, key) === "upgrade") expect(nextPlan(id), `${id}.${key}`).not.toBeNull();
      }
    }
    expect(nextPlan("starter")).toBe("pro");
    expect(nextPlan("business")).toBeNull();
    // soft usage overrun only where the metered add-on bills it
    for (const id of PLAN_ORDER) if (plans[id].overrun.usageUnits === "soft") expect(plans[id].meteredUsage).toBe(true);
  });

  it("looks plans up by id with a fallback for limits", () => {
    expect(planById("pro")).toMatchObject({ id: "pro", name: "Pro" });
    expect(planById("nope")).toBeNull();
    expect(limitsFor("business")).toBe(plans.business.limits);
    expect(limitsFor("retired-plan")).toBe(plans[DEFAULT_PLAN].limits);
    expect(overrunFor("retired-plan", "seats")).toBe(plans[DEFAULT_PLAN].overrun.seats);
  });

  it("describes credit packs with a positive price and an expiry policy", () => {
    for (const [id, pack] of Object.entries(creditPacks)) {
      expect(isCreditPackId(id)).toBe(true);
      expect(pack.credits).toBeGreaterThan(0);
      expect(pack.price.amount).toBeGreaterThan(0);
      expect(pack.expiresAfterDays === null || pack.expiresAfterDays > 0).toBe(true);
    }
    const bought = new Date("2026-01-01T00:00:00Z");
    expect(creditPackExpiresAt("credits-1k", bought)?.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(usageAddOn.unitPrice.amount).toBeGreaterThan(0);
  });
});

describe("product ids from env", () => {
  it("returns null when unset or blank with a Dodo API key, never throws", () => {
    setEnv("DODO_PAYMENTS_API_KEY", "test-key");
    for (const name of productEnvNames()) setEnv(name, undefined);
    expect(productIdFor("pro", "monthly")).toBeNull();
    expect(productIdFor("starter", "monthly")).toBeNull();
    expect(usageAddOnProductId()).toBeNull();
    setEnv("DODO_PRODUCT_PRO_YEARLY", "   ");
    expect(productIdFor("pro", "yearly")).toBeNull();
    expect(findByProductId("")).toBeNull();
    expect(findByProductId("pdt_unknown")).toBeNull();
  });

  it("defaults to the simulator's ids without a Dodo API key, and maps them back", () => {
    setEnv("DODO_PAYMENTS_API_KEY", undefined);
    for (const name of productEnvNames()) setEnv(name, undefined);
    expect(productIdFor("pro", "monthly")).toBe("sim_pro_monthly");
    expect(productIdFor("starter", "monthly")).toBeNull();
    expect(creditPackProductId("credits-5k")).toBe("sim_credits_5k");
    expect(findByProductId("sim_business_yearly")).toEqual({ kind: "plan", planId: "business", interval: "yearly" });
    expect(findByProductId("sim_credits_1k")).toEqual({ kind: "credit-pack", packId: "credits-1k" });
    expect(findByProductId("sim_usage_units")).toEqual({ kind: "usage-add-on" });
    setEnv("DODO_PRODUCT_PRO_MONTHLY", "pdt_real");
    expect(productIdFor("pro", "monthly")).toBe("pdt_real");
  });

  it("round-trips every configured product through findByProductId", () => {
    for (const name of productEnvNames()) setEnv(name, `pdt_${name.toLowerCase()}`);
    for (const planId of PLAN_ORDER) {
      for (const interval of BILLING_INTERVALS) {
        const productId = productIdFor(planId, interval);
        if (plans[planId].prices === null) {
          expect(productId).toBeNull();
          continue;
        }
        expect(productId).toBe(`pdt_dodo_product_${planId}_${interval}`);
        expect(findByProductId(productId!)).toEqual({ kind: "plan", planId, interval });
      }
    }
    for (const packId of Object.keys(creditPacks) as CreditPackId[]) {
      expect(findByProductId(creditPackProductId(packId)!)).toEqual({ kind: "credit-pack", packId });
    }
    expect(findByProductId(usageAddOnProductId()!)).toEqual({ kind: "usage-add-on" });
    expect(findByProductId("pdt_other")).toBeNull();
  });

  it("reads env at call time", () => {
    setEnv("DODO_PRODUCT_BUSINESS_MONTHLY", "pdt_a");
    expect(findByProductId("pdt_a")).toEqual({ kind: "plan", planId: "business", interval: "monthly" });
    setEnv("DODO_PRODUCT_BUSINESS_MONTHLY", "pdt_b");
    expect(findByProductId("pdt_a")).toBeNull();
    expect(productIdFor("business", "monthly")).toBe("pdt_b");
  });
});

describe("payments env keys", () => {
  it("requires a whsec_ webhook key and defaults to test mode", () => {
    expect(paymentsKeys.DODO_PAYMENTS_WEBHOOK_KEY.safeParse("whsec_abc").success).toBe(true);
    expect(paymentsKeys.DODO_PAYMENTS_WEBHOOK_KEY.safeParse("abc").success).toBe(false);
    expect(paymentsKeys.DODO_PAYMENTS_ENVIRONMENT.parse(undefined)).toBe("test_mode");
    expect(paymentsKeys.DODO_PAYMENTS_ENVIRONMENT.safeParse("production").success).toBe(false);
    expect(paymentsKeys.BILLING_GRACE_DAYS.parse("5")).toBe(5);
    expect(paymentsKeys.BILLING_GRACE_DAYS.safeParse("2").success).toBe(false);
    expect(paymentsKeys.BILLING_GRACE_DAYS.safeParse("8").success).toBe(false);
  });
});
