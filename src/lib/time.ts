// Fixed durations in milliseconds, for arithmetic on timestamps (`date.getTime() + 3 * DAY_MS`). A day here
// is 24 hours (UTC has no DST); calendar steps (a month, a billing period) use date arithmetic instead.

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
