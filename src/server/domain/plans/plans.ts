import { env } from "@/env";
import { DAY_MS } from "@/lib/time";
// The plan catalogue in one typed config: plans, prices, limits, overrun strategies, the metered add-on
// and credit packs. The pricing page, limit checks and billing (webhooks -> plan) all read it from here.
//
// Why these defaults:
// - starter is free with a 14-day trial of the workspace; its limits fit a small team trying the product
//   (3 seats, 3 projects) and are low enough that a real team meets the upgrade prompt.
// - pro (29 USD/month) is ~10x starter on every limit; business (99 USD/month) is ~10x pro. Each step
//   is a clear jump, so limits are monotonic from starter to business (a test checks this).
// - yearly = 10 monthly payments ("two months free"), the common SaaS discount.
// - usage units: included per month in each plan; beyond that pro and business pay per block of 1,000
//   units (the metered add-on) instead of being blocked. Starter has no payment method, so it stops.
// - AI credits: a monthly allowance per plan; beyond it credit packs top up (they cost real money per
//   call, so the overrun is "hard", never silently billed).
// - credit packs expire 365 days after purchase (a common, refund-friendly accounting policy);
//   the largest pack is cheaper per credit.
//
// Product ids live in the Dodo dashboard and differ per environment (test_mode / live_mode), so they are
// read from env at call time (src/server/providers/payments/keys.ts). Unset -> null, never a throw.

export type Currency = "USD";
export type BillingInterval = "monthly" | "yearly";
export const BILLING_INTERVALS = ["monthly", "yearly"] as const satisfies readonly BillingInterval[];

/** An amount in minor units (cents). */
export interface Money {
  readonly amount: number;
  readonly currency: Currency;
}

/**
 * What happens when a tenant reaches a limit:
 * - "soft": allow it, warn (banner / email); the metered add-on bills the excess where there is one.
 * - "hard": refuse the action; no upgrade offered (top plan, or the fix is a credit top-up).
 * - "upgrade": refuse the action and offer the next plan up (the pricing page / upgrade button).
 */
export type OverrunStrategy = "soft" | "hard" | "upgrade";

export interface PlanLimits {
  readonly projects: number;
  readonly seats: number;
  readonly guests: number;
  /** Metered usage units included per calendar month. */
  readonly usageUnits: number;
  /** AI credits granted per month (credit packs add on top). */
  readonly aiCredits: number;
}
export type LimitKey = keyof PlanLimits;
export const LIMIT_KEYS = ["projects", "seats", "guests", "usageUnits", "aiCredits"] as const satisfies readonly LimitKey[];

export interface PlanDefinition {
  readonly name: string;
  /** Descriptions are user-facing text: messages billing.plans.<id>.description. */
  readonly trialDays: number;
  /** null: free plan (no checkout, no product ids). */
  readonly prices: { readonly [I in BillingInterval]: Money } | null;
  /** Env names of the Dodo product ids per interval (null for the free plan). */
  readonly productEnv: { readonly [I in BillingInterval]: string } | null;
  readonly limits: PlanLimits;
  readonly overrun: { readonly [K in LimitKey]: OverrunStrategy };
  /** Whether the metered add-on bills usage beyond `limits.usageUnits`. */
  readonly meteredUsage: boolean;
}

const usd = (amount: number): Money => ({ amount, currency: "USD" });

export const plans = {
  starter: {
    name: "Starter",
    trialDays: 14,
    prices: null,
    productEnv: null,
    limits: { projects: 3, seats: 3, guests: 2, usageUnits: 1_000, aiCredits: 50 },
    overrun: { projects: "upgrade", seats: "upgrade", guests: "upgrade", usageUnits: "upgrade", aiCredits: "hard" },
    meteredUsage: false,
  },
  pro: {
    name: "Pro",
    trialDays: 0,
    prices: { monthly: usd(2_900), yearly: usd(29_000) },
    productEnv: { monthly: "DODO_PRODUCT_PRO_MONTHLY", yearly: "DODO_PRODUCT_PRO_YEARLY" },
    limits: { projects: 50, seats: 20, guests: 20, usageUnits: 50_000, aiCredits: 1_000 },
    overrun: { projects: "upgrade", seats: "upgrade", guests: "upgrade", usageUnits: "soft", aiCredits: "hard" },
    meteredUsage: true,
  },
  business: {
    name: "Business",
    trialDays: 0,
    prices: { monthly: usd(9_900), yearly: usd(99_000) },
    productEnv: { monthly: "DODO_PRODUCT_BUSINESS_MONTHLY", yearly: "DODO_PRODUCT_BUSINESS_YEARLY" },
    limits: { projects: 500, seats: 200, guests: 200, usageUnits: 500_000, aiCredits: 10_000 },
    overrun: { projects: "hard", seats: "hard", guests: "hard", usageUnits: "soft", aiCredits: "hard" },
    meteredUsage: true,
  },
} as const satisfies Record<string, PlanDefinition>;

export type PlanId = keyof typeof plans;
export const DEFAULT_PLAN: PlanId = "starter";
/** Cheapest first; the upgrade path. */
export const PLAN_ORDER = ["starter", "pro", "business"] as const satisfies readonly PlanId[];

export function isPlanId(value: string): value is PlanId {
  return Object.hasOwn(plans, value);
}

/** The metered add-on: usage beyond a plan's included `usageUnits` per month, billed per block. */
export const usageAddOn = {
  id: "usage-units",
  name: "Usage units",
  unit: "usage unit",
  /** Price of one block of `unitsPerPrice` units beyond the included ones (1 USD per 1,000 units). */
  unitPrice: usd(100),
  unitsPerPrice: 1_000,
  /** The Dodo meter's event name (usageEvents.ingest). */
  meterEventName: "usage.unit",
  productEnv: "DODO_PRODUCT_USAGE_UNITS",
} as const;

export interface CreditPackDefinition {
  readonly name: string;
  readonly credits: number;
  readonly price: Money;
  /** Credits expire this many days after purchase (ledger `expires_at`); null: never. */
  readonly expiresAfterDays: number | null;
  readonly productEnv: string;
}

export const creditPacks = {
  "credits-1k": { name: "1,000 AI credits", credits: 1_000, price: usd(1_000), expiresAfterDays: 365, productEnv: "DODO_PRODUCT_CREDITS_1K" },
  "credits-5k": { name: "5,000 AI credits", credits: 5_000, price: usd(4_500), expiresAfterDays: 365, productEnv: "DODO_PRODUCT_CREDITS_5K" },
  "credits-20k": { name: "20,000 AI credits", credits: 20_000, price: usd(16_000), expiresAfterDays: 365, productEnv: "DODO_PRODUCT_CREDITS_20K" },
} as const satisfies Record<string, CreditPackDefinition>;

export type CreditPackId = keyof typeof creditPacks;

export function isCreditPackId(value: string): value is CreditPackId {
  return Object.hasOwn(creditPacks, value);
}

export type Plan = PlanDefinition & { readonly id: PlanId };

/** The plan with its id, or null for an unknown id. */
export function planById(id: string): Plan | null {
  return isPlanId(id) ? { id, ...plans[id] } : null;
}

/** A plan's limits; an unknown id (a retired plan in old rows) falls back to DEFAULT_PLAN's. */
export function limitsFor(planId: string): PlanLimits {
  return plans[isPlanId(planId) ? planId : DEFAULT_PLAN].limits;
}

export function overrunFor(planId: string, limit: LimitKey): OverrunStrategy {
  return plans[isPlanId(planId) ? planId : DEFAULT_PLAN].overrun[limit];
}

/** The next plan up, or null on the top plan. */
export function nextPlan(planId: PlanId): PlanId | null {
  return PLAN_ORDER[PLAN_ORDER.indexOf(planId) + 1] ?? null;
}

/** Credits from a pack bought at `purchasedAt` expire at this instant (null: never). */
export function creditPackExpiresAt(packId: CreditPackId, purchasedAt: Date): Date | null {
  const days = creditPacks[packId].expiresAfterDays;
  return days === null ? null : new Date(purchasedAt.getTime() + days * DAY_MS);
}

/**
 * The local payment simulator's id for a product env name (DODO_PRODUCT_PRO_MONTHLY -> sim_pro_monthly):
 * with no Dodo API key, billing runs on the simulator, which knows every catalogue product by these ids.
 */
export function simulatorProductId(envName: string): string {
  return `sim_${envName.replace(/^DODO_PRODUCT_/, "").toLowerCase()}`;
}

/**
 * Where product ids come from: the app's typed env (src/env.ts; the payments provider declares the
 * DODO_PRODUCT_* keys in its keys.ts). Tests pass their own.
 */
export type ProductIdSource = Readonly<Record<string, unknown>>;

function readEnv(name: string, source: ProductIdSource): string | null {
  const text = (key: string) => (typeof source[key] === "string" ? source[key].trim() : "");
  const value = text(name);
  if (value) return value;
  return text("DODO_PAYMENTS_API_KEY") ? null : simulatorProductId(name);
}

/** The Dodo product id of a paid plan's interval from env, or null (free plan, or unset with a Dodo API key). */
export function productIdFor(planId: PlanId, interval: BillingInterval, source: ProductIdSource = env): string | null {
  const envNames: PlanDefinition["productEnv"] = plans[planId].productEnv;
  return envNames ? readEnv(envNames[interval], source) : null;
}

export function creditPackProductId(packId: CreditPackId, source: ProductIdSource = env): string | null {
  return readEnv(creditPacks[packId].productEnv, source);
}

export function usageAddOnProductId(source: ProductIdSource = env): string | null {
  return readEnv(usageAddOn.productEnv, source);
}

/** Every env name the catalogue reads product ids from (keys.ts declares the same names; a test checks). */
export function productEnvNames(): string[] {
  const names: string[] = [];
  for (const id of PLAN_ORDER) {
    const envNames: PlanDefinition["productEnv"] = plans[id].productEnv;
    if (envNames) names.push(...BILLING_INTERVALS.map((i) => envNames[i]));
  }
  names.push(usageAddOn.productEnv);
  for (const pack of Object.values(creditPacks)) names.push(pack.productEnv);
  return names;
}

export type CatalogProduct =
  | { readonly kind: "plan"; readonly planId: PlanId; readonly interval: BillingInterval }
  | { readonly kind: "credit-pack"; readonly packId: CreditPackId }
  | { readonly kind: "usage-add-on" };

/** Maps a webhook's product_id back to what was bought; null for an unknown (or unconfigured) product. */
export function findByProductId(productId: string, source: ProductIdSource = env): CatalogProduct | null {
  const wanted = productId.trim();
  if (!wanted) return null;
  for (const planId of PLAN_ORDER) {
    for (const interval of BILLING_INTERVALS) {
      if (productIdFor(planId, interval, source) === wanted) return { kind: "plan", planId, interval };
    }
  }
  for (const packId of Object.keys(creditPacks) as CreditPackId[]) {
    if (creditPackProductId(packId, source) === wanted) return { kind: "credit-pack", packId };
  }
  if (usageAddOnProductId(source) === wanted) return { kind: "usage-add-on" };
  return null;
}
