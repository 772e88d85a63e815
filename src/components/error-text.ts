"use client";
import { useTranslations } from "next-intl";

type MessageParams = Record<string, string | number | Date>;

export type ErrorLike = {
  message?: string;
  status?: number;
  code?: string;
  data?: {
    appCode?: string | null;
    code?: string;
    httpStatus?: number;
    /** The AppError's own sentence: errors.<key> with these ICU arguments (src/server/api/trpc.ts errorFormatter). */
    userMessage?: { key: string; params: MessageParams } | null;
  } | null;
} | null | undefined;

// Better Auth's error codes that we explain in our own words.
const authCodes: Record<string, string> = {
  INVALID_EMAIL_OR_PASSWORD: "INVALID_CREDENTIALS",
  EMAIL_NOT_VERIFIED: "EMAIL_NOT_VERIFIED",
  INVALID_TOKEN: "INVALID_TOKEN",
  TOKEN_EXPIRED: "INVALID_TOKEN",
  USER_ALREADY_EXISTS: "EMAIL_TAKEN",
  EMAIL_DOMAIN_NOT_ALLOWED: "EMAIL_DOMAIN_NOT_ALLOWED", // src/server/domain/identity/sign-up-auth-plugin.ts
};

/** The errors.* message key for a tRPC or Better Auth error by its code; null when only the generic sentence fits. */
export function errorMessageKey(error: ErrorLike): string | null {
  if (!error) return null;
  const status = error.status ?? error.data?.httpStatus;
  return (
    error.data?.appCode ??
    (error.code ? authCodes[error.code] : undefined) ??
    (status === 429 ? "RATE_LIMITED" : undefined) ??
    // A busy database (pool exhausted) answers a retryable 503: src/server/db/pool-errors.ts.
    (status === 503 || error.data?.code === "SERVICE_UNAVAILABLE" ? "SERVICE_BUSY" : undefined) ??
    (error.data?.code === "BAD_REQUEST" ? "INVALID_INPUT" : undefined) ??
    (error.data?.code === "NOT_FOUND" ? "NOT_FOUND" : undefined) ??
    (error.data?.code === "FORBIDDEN" ? "FORBIDDEN" : undefined) ??
    (error.data?.code === "UNAUTHORIZED" ? "UNAUTHENTICATED" : undefined) ??
    null
  );
}

/** The parts of next-intl's translator this needs (a hook's `t`, or createTranslator's in tests). */
export interface ErrorTranslator {
  (key: never, params?: never): string;
  has(key: never): boolean;
}

/**
 * The sentence for an error: the server's own message for it (an AppError's key, filled with its
 * arguments), else the one for its code, else "Something went wrong". `t` is scoped to `errors`.
 */
export function errorText(t: ErrorTranslator, fallback: string, error: ErrorLike): string {
  const own = error?.data?.userMessage;
  if (own && t.has(own.key as never)) return t(own.key as never, own.params as never);
  const code = errorMessageKey(error);
  return code && t.has(code as never) ? t(code as never) : fallback;
}

/** Turns a tRPC or Better Auth error into a sentence in the user's language. */
export function useErrorText() {
  const t = useTranslations("errors");
  const common = useTranslations("common");
  return (error: ErrorLike): string => errorText(t as unknown as ErrorTranslator, common("somethingWentWrong"), error);
}
