import { Prisma } from "@/generated/prisma/client";
import type { OverrunStrategy, PlanId } from "@/server/domain/plans/plans";

// The closed set of failures the domain reports. src/server/api/trpc.ts maps each to a tRPC code
// in one exhaustive table; the UI shows the message under errors.<code>.
export type AppErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "INVALID_INPUT"
  | "NO_ACTIVE_TENANT"
  | "EMAIL_TAKEN"
  | "EMAIL_DOMAIN_NOT_ALLOWED"
  | "EMAIL_NOT_VERIFIED"
  | "RATE_LIMITED"
  | "LIMIT_REACHED"
  | "LAST_OWNER"
  | "ALREADY_MEMBER"
  | "INVITATION_INVALID"
  | "TWO_FACTOR_REQUIRED"
  | "PLATFORM_USER"
  | "BILLING_NOT_CONFIGURED"
  | "PAYMENT_PROVIDER_UNAVAILABLE"
  | "PAYMENT_PROVIDER_ERROR";

/**
 * What a LIMIT_REACHED refusal of a metered action was about (src/server/domain/usage/entitlements.ts), sent
 * to the client as the tRPC error's `data.limit` so the UI can show the numbers and the upgrade button.
 */
export interface LimitDetails {
  /** The usage metric (src/server/domain/usage/metrics.ts): "projects", "api_calls", "ai_credits". */
  metric: string;
  limit: number;
  /** Used before the refused action: live count for a gauge, this period's units otherwise. */
  used: number;
  /** What the refused action asked for. */
  requested: number;
  strategy: OverrunStrategy;
  /** The plan to offer when the strategy is "upgrade"; null otherwise or on the top plan. */
  upgradeTo: PlanId | null;
  /** Purchased credits left (unexpired) and the credits the action would have needed beyond the allowance. */
  creditsAvailable: number;
  creditsNeeded: number;
}

export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** Structured data of a LIMIT_REACHED refusal from the usage rules. */
    readonly details?: LimitDetails,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);

/** Prisma's "record not found" and "unique violation" become our codes; anything else stays a real error. */
export function mapPrismaError(error: unknown, what: string): unknown {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === "P2025") return notFound(what);
    if (error.code === "P2002") return new AppError("CONFLICT", `${what} already exists`);
  }
  return error;
}
