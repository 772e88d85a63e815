import { Prisma } from "@/generated/prisma/client";

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

export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: AppErrorCode,
    message: string,
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
