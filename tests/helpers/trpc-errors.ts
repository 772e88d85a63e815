import { getErrorShape, TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { expect } from "vitest";
import { appRouter } from "@/server/api/root";

/** Awaits `promise`, expecting it to reject with a TRPCError; returns that error. */
export async function trpcErrorOf(promise: Promise<unknown>): Promise<TRPCError> {
  let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await promise };
  } catch (error) {
    outcome = { ok: false, error };
  }
  if (outcome.ok) throw new Error(`Expected a TRPCError, but the call succeeded with ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(TRPCError);
  return outcome.error as TRPCError;
}

/** What a client receives for this error: the shape produced by the app's own errorFormatter. */
export function errorShapeOf(error: TRPCError, path?: string) {
  return getErrorShape({ config: appRouter._def._config, error, type: "unknown", path, input: undefined, ctx: undefined });
}

/** Expects a TRPCError with `code` (and, if given, `data.appCode` as the client sees it). */
export async function expectTRPCError(promise: Promise<unknown>, code: TRPCError["code"], appCode?: string | null) {
  const error = await trpcErrorOf(promise);
  expect(error.code, error.message).toBe(code);
  if (appCode !== undefined) expect(errorShapeOf(error).data.appCode).toBe(appCode);
  return error;
}

export function httpStatusOf(error: TRPCError): number {
  return getHTTPStatusCodeFromError(error);
}
