import type { z } from "zod";
import { AppError, notFound, type UserMessage } from "@/server/domain/errors";
import type { UsageEventOutcome, UsageRefusalReason } from "./record-usage";

// How usage refusals reach a caller that records one action (a procedure, projects.create): as the
// AppError its reason maps to. Batch ingestion returns refusals per event instead.

const REFUSAL_CODES = {
  LIMIT_REACHED: "LIMIT_REACHED",
  PROJECT_NOT_FOUND: "NOT_FOUND",
  IDEMPOTENCY_KEY_REUSED: "CONFLICT",
  OCCURRED_AT_OUT_OF_RANGE: "INVALID_INPUT",
} as const satisfies Record<UsageRefusalReason, AppError["code"]>;

/** The outcome of an event that was counted or had been already; a refusal throws its AppError (LIMIT_REACHED with details). */
export function assertNotRefused<O extends UsageEventOutcome>(outcome: O): Exclude<O, { status: "refused" }> {
  if (outcome.status !== "refused") return outcome as Exclude<O, { status: "refused" }>;
  if (outcome.reason === "PROJECT_NOT_FOUND") throw notFound("project");
  throw new AppError(REFUSAL_CODES[outcome.reason], outcome.message, refusalMessage(outcome), outcome.limit ?? undefined);
}

function refusalMessage(outcome: Extract<UsageEventOutcome, { status: "refused" }>): UserMessage {
  switch (outcome.reason) {
    case "LIMIT_REACHED":
      return { key: "usage.limitReached", params: { metric: outcome.limit?.metric ?? "other" } };
    case "IDEMPOTENCY_KEY_REUSED":
      return { key: "usage.idempotencyKeyReused" };
    case "OCCURRED_AT_OUT_OF_RANGE":
    case "PROJECT_NOT_FOUND":
      return { key: "usage.occurredAtOutOfRange" };
  }
}

/** Domain-side validation of usage input built by code (procedures validate theirs first): INVALID_INPUT, never a crash. */
export function parseUsageInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError("INVALID_INPUT", parsed.error.issues[0]?.message ?? "Invalid usage input", { key: "usage.invalidInput" });
}
