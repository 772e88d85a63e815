import { Cron } from "croner";
import { MINUTE_MS } from "@/lib/time";

// Cron expressions of scheduled jobs: 5 fields (minute hour day-of-month month day-of-week), UTC, with
// lists, ranges, steps ("*/15", "10-50/10", "5/20"), month and weekday names, 0 or 7 for Sunday and the
// @hourly / @daily / @weekly / @monthly / @yearly macros, read by croner. Trigger.dev reads the same
// expression. As in Vixie cron, when both day fields are restricted a day matches if either does; a day
// field that starts with "*" (also "*/2") does not restrict, so the other decides alone.

export type CronSchedule = Cron;

export class CronParseError extends Error {
  override name = "CronParseError";
}

/** Parses an expression; an invalid one throws CronParseError (defineJob calls this, so it fails at import). */
export function parseCron(expression: string): CronSchedule {
  const fields = expression.trim().split(/\s+/);
  try {
    // sloppyRanges below would also read a step without a start ("/5") as "*/5": refuse it, as cron does.
    if (fields.some((f) => /(^|,)\//.test(f))) throw new Error("a step needs a start (*/5, 0-30/5 or 5/20)");
    return new Cron(expression.trim(), {
      mode: "5-part",
      timezone: "UTC",
      paused: true,
      sloppyRanges: true, // "5/20": from 5 in steps of 20, as Vixie cron reads it
      domAndDow: fields[2]?.startsWith("*") === true || fields[4]?.startsWith("*") === true,
    });
  } catch (error) {
    throw new CronParseError(`Invalid cron "${expression}": ${error instanceof Error ? error.message : String(error)}`);
  }
}

const schedule = (s: CronSchedule | string) => (typeof s === "string" ? parseCron(s) : s);

/** The latest fire time at or before `from` (whole minutes, UTC), or null if there is none. */
export function previousFireTime(s: CronSchedule | string, from: Date): Date | null {
  const nextMinute = (Math.floor(from.getTime() / MINUTE_MS) + 1) * MINUTE_MS;
  return schedule(s).previousRuns(1, new Date(nextMinute))[0] ?? null;
}

/** The first fire time strictly after `from` (whole minutes, UTC), or null if there is none. */
export function nextFireTime(s: CronSchedule | string, from: Date): Date | null {
  return schedule(s).nextRun(from);
}
