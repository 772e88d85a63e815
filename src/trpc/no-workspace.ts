import { TRPCError } from "@trpc/server";
import { AppError, type AppErrorCode } from "@/server/domain/errors";

/**
 * The refusals of tenants.current that mean "this viewer has no workspace to show": none active
 * (NO_ACTIVE_TENANT), a platform staff account (PLATFORM_USER: never has one), or no viewer at all
 * (UNAUTHENTICATED: the (app) layout sends them to sign-in). Nothing else: a database outage or a bug
 * must reach the error page (a 503 for a busy database), not pass for "no workspace yet".
 */
const NO_WORKSPACE: ReadonlySet<AppErrorCode> = new Set(["NO_ACTIVE_TENANT", "PLATFORM_USER", "UNAUTHENTICATED"]);

/** The active workspace from `current` (a server caller's tenants.current()), or null when the viewer has none. */
export async function workspaceOrNone<T>(current: Promise<T>): Promise<T | null> {
  try {
    return await current;
  } catch (error) {
    if (error instanceof TRPCError && error.cause instanceof AppError && NO_WORKSPACE.has(error.cause.code)) return null;
    throw error;
  }
}

/** `call`'s answer, or null when it was refused because nobody is signed in (any other failure is thrown). */
export async function unlessSignedOut<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof TRPCError && error.cause instanceof AppError && error.cause.code === "UNAUTHENTICATED") return null;
    throw error;
  }
}
