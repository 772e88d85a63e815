// The plan catalog and its defaults in one place. Billing (a later issue) maps provider products onto these ids.
export const plans = {
  starter: { trialDays: 14, limits: { projects: 3, seats: 3, guests: 2 } },
  pro: { trialDays: 0, limits: { projects: 50, seats: 20, guests: 20 } },
  business: { trialDays: 0, limits: { projects: 500, seats: 200, guests: 200 } },
} as const;

export type PlanId = keyof typeof plans;
export const DEFAULT_PLAN: PlanId = "starter";

export function isPlanId(value: string): value is PlanId {
  return value in plans;
}
