// A small 5-field cron parser (minute hour day-of-month month day-of-week, UTC) for scheduled jobs:
// `*`, lists `1,15`, ranges `1-5`, steps `*/15` / `10-50/10`, month and weekday names (JAN, MON),
// 0 or 7 for Sunday, and @hourly / @daily / @weekly / @monthly / @yearly. As in Vixie cron, when both
// day fields are restricted a day matches if either does. Trigger.dev reads the same expression.

export interface CronSchedule {
  readonly expression: string;
  readonly minutes: readonly boolean[];
  readonly hours: readonly boolean[];
  readonly daysOfMonth: readonly boolean[];
  readonly months: readonly boolean[];
  readonly daysOfWeek: readonly boolean[];
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
}

export class CronParseError extends Error {
  override name = "CronParseError";
}

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface FieldSpec {
  label: string;
  min: number;
  max: number;
  names?: string[];
  namesStartAt?: number;
}

const FIELDS: FieldSpec[] = [
  { label: "minute", min: 0, max: 59 },
  { label: "hour", min: 0, max: 23 },
  { label: "day of month", min: 1, max: 31 },
  { label: "month", min: 1, max: 12, names: MONTHS, namesStartAt: 1 },
  { label: "day of week", min: 0, max: 7, names: DAYS, namesStartAt: 0 },
];

function parseValue(raw: string, spec: FieldSpec, expression: string): number {
  const upper = raw.toUpperCase();
  const named = spec.names?.indexOf(upper) ?? -1;
  const value = named >= 0 ? named + (spec.namesStartAt ?? 0) : /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
    throw new CronParseError(`Invalid ${spec.label} "${raw}" in cron "${expression}" (allowed ${spec.min}-${spec.max}).`);
  }
  return value;
}

function parseField(field: string, spec: FieldSpec, expression: string): boolean[] {
  const set = Array.from({ length: spec.max + 1 }, () => false);
  for (const part of field.split(",")) {
    const [range, stepRaw, extra] = part.split("/");
    if (range === undefined || range === "" || extra !== undefined) throw new CronParseError(`Invalid ${spec.label} "${part}" in cron "${expression}".`);
    let step = 1;
    if (stepRaw !== undefined) {
      if (!/^\d+$/.test(stepRaw) || Number(stepRaw) < 1) throw new CronParseError(`Invalid step "${stepRaw}" in cron "${expression}".`);
      step = Number(stepRaw);
    }
    let from: number;
    let to: number;
    if (range === "*") {
      from = spec.min;
      to = spec.label === "day of week" ? 6 : spec.max;
    } else if (range.includes("-")) {
      const [a, b, rest] = range.split("-");
      if (a === undefined || b === undefined || rest !== undefined) throw new CronParseError(`Invalid range "${range}" in cron "${expression}".`);
      from = parseValue(a, spec, expression);
      to = parseValue(b, spec, expression);
      if (from > to) throw new CronParseError(`Invalid range "${range}" in cron "${expression}" (start after end).`);
    } else {
      from = parseValue(range, spec, expression);
      // "5/15" means from 5 to the end in steps of 15.
      to = stepRaw !== undefined ? spec.max : from;
    }
    for (let v = from; v <= to; v += step) set[v] = true;
  }
  return set;
}

export function parseCron(expression: string): CronSchedule {
  const trimmed = expression.trim();
  const expanded = MACROS[trimmed.toLowerCase()] ?? trimmed;
  const fields = expanded.split(/\s+/);
  if (fields.length !== 5) throw new CronParseError(`Cron "${expression}" must have 5 fields: minute hour day month weekday.`);
  const [minute, hour, dom, month, dow] = fields.map((f, i) => parseField(f, FIELDS[i]!, expression));
  const daysOfWeek = dow!.slice(0, 7);
  if (dow![7]) daysOfWeek[0] = true; // 7 is Sunday too
  return {
    expression: trimmed,
    minutes: minute!,
    hours: hour!,
    daysOfMonth: dom!,
    months: month!,
    daysOfWeek,
    // Vixie cron: a day field starting with "*" (also "*/2") does not restrict, so the other decides alone.
    domRestricted: !fields[2]!.startsWith("*"),
    dowRestricted: !fields[4]!.startsWith("*"),
  };
}

function dayMatches(s: CronSchedule, day: Date): boolean {
  if (!s.months[day.getUTCMonth() + 1]) return false;
  const dom = s.daysOfMonth[day.getUTCDate()] === true;
  const dow = s.daysOfWeek[day.getUTCDay()] === true;
  if (s.domRestricted && s.dowRestricted) return dom || dow;
  return dom && dow;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Far enough for "29 Feb on a Monday"-style schedules. */
const SEARCH_DAYS = 366 * 28;

/** The latest fire time at or before `from` (whole minutes, UTC), or null if none within the search window. */
export function previousFireTime(schedule: CronSchedule | string, from: Date): Date | null {
  const s = typeof schedule === "string" ? parseCron(schedule) : schedule;
  const start = Math.floor(from.getTime() / MINUTE) * MINUTE;
  let dayStart = Math.floor(start / DAY) * DAY;
  for (let i = 0; i < SEARCH_DAYS; i++, dayStart -= DAY) {
    if (!dayMatches(s, new Date(dayStart))) continue;
    const lastMinuteOfDay = i === 0 ? (start - dayStart) / MINUTE : 24 * 60 - 1;
    for (let h = Math.floor(lastMinuteOfDay / 60); h >= 0; h--) {
      if (!s.hours[h]) continue;
      const topMinute = h === Math.floor(lastMinuteOfDay / 60) ? lastMinuteOfDay % 60 : 59;
      for (let m = topMinute; m >= 0; m--) if (s.minutes[m]) return new Date(dayStart + (h * 60 + m) * MINUTE);
    }
  }
  return null;
}

/** The first fire time strictly after `from` (whole minutes, UTC), or null if none within the search window. */
export function nextFireTime(schedule: CronSchedule | string, from: Date): Date | null {
  const s = typeof schedule === "string" ? parseCron(schedule) : schedule;
  const start = (Math.floor(from.getTime() / MINUTE) + 1) * MINUTE;
  let dayStart = Math.floor(start / DAY) * DAY;
  for (let i = 0; i < SEARCH_DAYS; i++, dayStart += DAY) {
    if (!dayMatches(s, new Date(dayStart))) continue;
    const firstMinuteOfDay = i === 0 ? (start - dayStart) / MINUTE : 0;
    for (let h = Math.floor(firstMinuteOfDay / 60); h < 24; h++) {
      if (!s.hours[h]) continue;
      const bottom = h === Math.floor(firstMinuteOfDay / 60) ? firstMinuteOfDay % 60 : 0;
      for (let m = bottom; m < 60; m++) if (s.minutes[m]) return new Date(dayStart + (h * 60 + m) * MINUTE);
    }
  }
  return null;
}
