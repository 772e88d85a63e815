import { describe, expect, it } from "vitest";
import { decideEntitlement } from "@/server/domain/usage/entitlements";
import { usagePeriod, type UsageMetric } from "@/server/domain/usage/metrics";

const period = usagePeriod(new Date("2031-05-10T00:00:00Z"));
const decide = (plan: string, metric: UsageMetric, units: number, used: number, creditsAvailable = 0) =>
  decideEntitlement({ plan, metric, units, snapshot: { used, creditsAvailable }, period });

describe("decideEntitlement", () => {
  it("allows within the limit and always for a metric without one", () => {
    expect(decide("starter", "api_calls", 10, 990)).toEqual({
      decision: "allow",
      metric: "api_calls",
      limit: 1_000,
      used: 990,
      remaining: 10,
      strategy: "upgrade",
      creditsAvailable: 0,
      creditsNeeded: 0,
      upgradeTo: null,
      message: null,
    });
    expect(decide("starter", "storage_mb", 1_000_000, 1_000_000)).toMatchObject({ decision: "allow", limit: null, remaining: null, strategy: null });
  });

  it("upgrade: blocks and offers the next plan", () => {
    expect(decide("starter", "projects", 1, 3)).toMatchObject({
      decision: "block",
      upgradeTo: "pro",
      remaining: 0,
      message: "Starter allows 3 projects; this workspace has 3. Upgrade to Pro for 50.",
    });
    expect(decide("pro", "projects", 1, 50)).toMatchObject({ decision: "block", upgradeTo: "business", message: expect.stringMatching(/Upgrade to Business for 500\.$/) });
  });

  it("hard: blocks without an upgrade and names the way out", () => {
    expect(decide("business", "projects", 1, 500)).toMatchObject({
      decision: "block",
      upgradeTo: null,
      message: "Business allows 500 projects; this workspace has 500. Delete projects you no longer need to make room.",
    });
  });

  it("soft: warns and counts; metered plans say the excess is billed", () => {
    expect(decide("pro", "api_calls", 5, 49_998)).toMatchObject({
      decision: "warn",
      upgradeTo: null,
      creditsNeeded: 0,
      message: "Pro includes 50,000 API calls per month; this workspace has used 49,998 this month. This needs 5 more. Usage beyond the limit is billed as overage at the end of the month.",
    });
  });

  it("AI credits beyond the allowance: purchased credits pay for the part beyond it, else a hard block", () => {
    expect(decide("starter", "ai_credits", 5, 48, 10)).toMatchObject({ decision: "warn", creditsNeeded: 3, creditsAvailable: 10 });
    expect(decide("starter", "ai_credits", 5, 60, 5)).toMatchObject({ decision: "warn", creditsNeeded: 5 });
    expect(decide("starter", "ai_credits", 5, 60, 4)).toMatchObject({
      decision: "block",
      strategy: "hard",
      upgradeTo: null,
      creditsNeeded: 5,
      message:
        "Starter includes 50 AI credits per month; this workspace has used 60 this month. This needs 5 more. You have 4 purchased credits and need 5. Buy an AI credit pack to continue.",
    });
  });

  it("an unknown (retired) plan counts as starter", () => {
    expect(decide("retired-plan", "api_calls", 1, 1_000)).toMatchObject({ decision: "block", limit: 1_000, upgradeTo: "pro" });
  });
});
