/** The cron parser and the backoff (pure functions; in the integration project only for the jobs-* naming). */
import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "@/server/domain/jobs/backoff";
import { CronParseError, nextFireTime, parseCron, previousFireTime } from "@/server/domain/jobs/cron";

const at = (iso: string) => new Date(iso);
const prev = (expr: string, iso: string) => previousFireTime(expr, at(iso))?.toISOString();
const next = (expr: string, iso: string) => nextFireTime(expr, at(iso))?.toISOString();

/** The first `count` fire times after `iso`. */
function fires(expr: string, iso: string, count: number): string[] {
  const out: string[] = [];
  for (let from = at(iso); out.length < count; ) {
    from = nextFireTime(expr, from)!;
    out.push(from.toISOString().slice(0, 16));
  }
  return out;
}

describe("parseCron", () => {
  it("accepts *, lists, ranges, steps, names and macros", () => {
    // 2026-01-01 is a Thursday.
    expect(fires("0,30 9-17/2 * JAN-MAR mon-fri", "2026-01-01T00:00:00Z", 11)).toEqual([
      ...["09:00", "09:30", "11:00", "11:30", "13:00", "13:30", "15:00", "15:30", "17:00", "17:30"].map((t) => `2026-01-01T${t}`),
      "2026-01-02T09:00",
    ]);
    expect(next("0,30 9-17/2 * JAN-MAR mon-fri", "2026-01-02T18:00:00Z")).toBe("2026-01-05T09:00:00.000Z"); // over the weekend
    expect(next("0,30 9-17/2 * JAN-MAR mon-fri", "2026-03-31T18:00:00Z")).toBe("2027-01-01T09:00:00.000Z"); // past March
    expect(next("@daily", "2026-11-26T10:00:00Z")).toBe("2026-11-27T00:00:00.000Z");
    expect(next("5/20 * * * 7", "2026-11-26T10:00:00Z")).toBe("2026-11-29T00:05:00.000Z"); // 7 = Sunday
    expect(fires("5/20 * * * *", "2026-11-26T10:00:00Z", 4)).toEqual(["10:05", "10:25", "10:45", "11:05"].map((t) => `2026-11-26T${t}`));
  });

  it.each(["* * * *", "0 * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8", "*/0 * * * *", "5-1 * * * *", "a * * * *", "1-2-3 * * * *", ", * * * *", "/5 * * * *"])(
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
