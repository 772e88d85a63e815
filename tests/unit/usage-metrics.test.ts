import { describe, expect, it } from "vitest";
import { plans } from "@/server/domain/plans/plans";
import { isUsageMetric, metricLimit, metricOverrun, previousUsagePeriod, usagePeriod, USAGE_METRIC_NAMES } from "@/server/domain/usage/metrics";

describe("usage metrics", () => {
  it("maps each metric onto a plan limit (or none) and its overrun strategy", () => {
    expect(metricLimit("starter", "projects")).toBe(plans.starter.limits.projects);
    expect(metricLimit("pro", "api_calls")).toBe(plans.pro.limits.usageUnits);
    expect(metricLimit("business", "ai_credits")).toBe(plans.business.limits.aiCredits);
    expect(metricLimit("pro", "storage_mb")).toBeNull();
    expect(metricOverrun("starter", "api_calls")).toBe("upgrade");
    expect(metricOverrun("pro", "api_calls")).toBe("soft");
    expect(metricOverrun("pro", "ai_credits")).toBe("hard");
    expect(metricOverrun("pro", "storage_mb")).toBeNull();
    expect(USAGE_METRIC_NAMES.every(isUsageMetric)).toBe(true);
    expect(isUsageMetric("toString")).toBe(false);
  });

  it("counts per calendar month in UTC, boundaries included in the next period", () => {
    expect(usagePeriod(new Date("2026-11-30T23:59:59.999Z"))).toEqual({
      start: new Date("2026-11-01T00:00:00Z"),
      end: new Date("2026-12-01T00:00:00Z"),
    });
    expect(usagePeriod(new Date("2026-12-01T00:00:00Z")).start.toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(usagePeriod(new Date("2026-12-31T12:00:00Z")).end.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(previousUsagePeriod(new Date("2027-01-15T00:00:00Z"))).toEqual({
      start: new Date("2026-12-01T00:00:00Z"),
      end: new Date("2027-01-01T00:00:00Z"),
    });
  });
});
