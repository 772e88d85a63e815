import type { RetryPolicy } from "./types";

/** Used where a job's `retry` leaves a field out. */
export const DEFAULT_RETRY_POLICY: Required<RetryPolicy> = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 10 * 60_000,
  jitter: "equal",
};

export function resolveRetryPolicy(retry: Partial<RetryPolicy> | undefined): Required<RetryPolicy> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...retry };
  return {
    maxAttempts: Math.max(1, Math.floor(policy.maxAttempts)),
    baseDelayMs: Math.max(0, policy.baseDelayMs),
    maxDelayMs: Math.max(0, policy.maxDelayMs),
    jitter: policy.jitter,
  };
}

/**
 * The wait before the next attempt after `attempt` (1-based) failed: exponential, capped at maxDelayMs,
 * with jitter so jobs that failed together (a provider outage) do not all retry in the same second.
 */
export function backoffDelayMs(attempt: number, retry?: Partial<RetryPolicy>, random: () => number = Math.random): number {
  const policy = resolveRetryPolicy(retry);
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  switch (policy.jitter) {
    case "none":
      return Math.round(exponential);
    case "full":
      return Math.round(random() * exponential);
    case "equal":
      return Math.round(exponential / 2 + (random() * exponential) / 2);
  }
}
