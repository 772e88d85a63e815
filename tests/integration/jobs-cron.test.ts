/** The cron parser and the backoff (pure functions; in the integration project only for the jobs-* naming). */
import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "@/server/domain/jobs/backoff";
import { CronParseError, nextFireTime, parseCron, previousFireTime } from "@/server/domain/jobs/cron";

const at = (iso: string) => new Date(iso);
const prev = (expr: string, iso: string) => previousFireTime(expr, at(iso))?.toISOString();
const next = (expr: string, iso: string) => nextFireTime(expr, at(iso))?.toISOString();

describe("parseCron", () => {
  it("accepts *, lists, ranges, steps, names and macros", () => {
    const s = parseCron("0,30 9-17/2 * JAN-MAR mon-fri");
    expect(s.minutes.flatMap((v, i) => (v ? [i] : []))).toEqual([0, 30]);
    expect(s.hours.flatMap((v, i) => (v ? [i] : []))).toEqual([9, 11, 13, 15, 17]);
    expect(s.months.flatMap((v, i) => (v ? [i] : []))).toEqual([1, 2, 3]);
    expect(s.daysOfWeek.flatMap((v, i) => (v ? [i] : []))).toEqual([1, 2, 3, 4, 5]);
    expect(parseCron("@daily").minutes[0]).toBe(true);
    expect(parseCron("5/20 * * * 7").daysOfWeek[0]).toBe(true); // 7 = Sunday
    expect(parseCron("5/20 * * * *").minutes.flatMap((v, i) => (v ? [i] : []))).toEqual([5, 25, 45]);
  });

  it.each(["* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8", "*/0 * * * *", "5-1 * * * *", "a * * * *", "1-2-3 * * * *", ", * * * *"])(
    "rejects %j",
    (expr) => {
      expect(() => parseCron(expr)).toThrow(CronParseError);
    },
  );
});

describe("fire times (UTC)", () => {
  it("finds the period start at or before a moment, and the next one after it", () => {
    expect(prev("*/5 * * * *", "2026-01-01T10:07:30Z")).toBe("2026-01-01T10:05:00.000Z");
    expect(prev("*/5 * * * *", "2026-01-01T10:05:00Z")).toBe("2026-01-01T10:05:00.000Z");
    expect(next("*/5 * * * *", "2026-01-01T10:05:00Z")).toBe("2026-01-01T10:10:00.000Z");
    expect(prev("0 3 * * *", "2026-01-01T02:59:00Z")).toBe("2025-12-31T03:00:00.000Z");
    expect(next("0 3 * * *", "2026-12-31T03:00:00Z")).toBe("2027-01-01T03:00:00.000Z");
    expect(prev("30 8 * * mon", "2026-11-26T12:00:00Z")).toBe("2026-11-23T08:30:00.000Z"); // a Thursday -> Monday
    expect(next("0 0 29 2 *", "2026-03-01T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z");
  });

  it("with both day fields restricted, either matches (Vixie cron)", () => {
    // The 1st of the month or any Friday.
    expect(next("0 0 1 * fri", "2026-11-26T00:00:00Z")).toBe("2026-11-27T00:00:00.000Z");
    expect(next("0 0 1 * fri", "2026-11-27T00:00:00Z")).toBe("2026-12-01T00:00:00.000Z");
    // "*/2" in day of month counts as unrestricted: weekday alone... and every other day.
    expect(next("0 0 */2 * mon", "2026-11-26T00:00:00Z")).toBe("2026-12-07T00:00:00.000Z");
  });
});

describe("backoffDelayMs", () => {
  it("doubles per attempt up to the cap, with jitter inside the bounds", () => {
    const policy = { baseDelayMs: 1_000, maxDelayMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelayMs(a, { ...policy, jitter: "none" }))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect(backoffDelayMs(3, { ...policy, jitter: "equal" }, () => 0)).toBe(2_000);
    expect(backoffDelayMs(3, { ...policy, jitter: "equal" }, () => 1)).toBe(4_000);
    expect(backoffDelayMs(3, { ...policy, jitter: "full" }, () => 0)).toBe(0);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelayMs(2, policy);
      expect(d).toBeGreaterThanOrEqual(1_000);
      expect(d).toBeLessThanOrEqual(2_000);
    }
    // Defaults: 1 s base.
    expect(backoffDelayMs(1, undefined, () => 1)).toBe(1_000);
  });
});
