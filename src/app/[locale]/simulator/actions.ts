"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";
import { env } from "@/env";
import { prisma } from "@/server/db/client";
import { canOpenSimulatorCheckout, canOpenSimulatorPortal, signedInUserId } from "@/server/domain/billing/simulator-access";
import { completeCheckout } from "@/server/providers/payments/simulator/checkout";
import type { SimulatorContext } from "@/server/providers/payments/simulator/context";
import { SimulatorError, type CheckoutActionResult, type PortalActionResult, type SimulatorRefusal } from "@/server/providers/payments/simulator/errors";
import { PORTAL_OPERATIONS, runPortalOperation } from "@/server/providers/payments/simulator/portal";
import { paymentSimulatorEnabled } from "@/server/providers/payments";

// The hosted pages' buttons. Server actions are reachable by POST from anywhere, so each one checks what
// its page checks (simulator-access.ts: the signed-in user manages the billing of the checkout's or customer's
// tenant; otherwise "not_found", like an unknown id), and every operation checks that what it touches
// belongs to that checkout or customer.


const simulatorIdSchema = z.string().min(1).max(100);
const checkoutInput = z.object({ sessionId: simulatorIdSchema, outcome: z.enum(["pay", "decline"]) });
const portalInput = z.object({ customerId: simulatorIdSchema, operation: z.enum(PORTAL_OPERATIONS), targetId: simulatorIdSchema });

function simulatorContext(): SimulatorContext {
  // Server actions are reachable by POST even where the pages answer 404.
  if (!paymentSimulatorEnabled) throw new Error("The payment simulator is off (DODO_PAYMENTS_API_KEY is set, or this is a production build)");
  return { db: prisma, appUrl: env.APP_URL };
}

/** A refusal the page explains; anything else is a bug and goes to the error boundary. */
async function asResult<T>(fn: () => Promise<T>): Promise<T | SimulatorRefusal> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof SimulatorError) return { ok: false, error: error.code };
    throw error;
  }
}

export async function completeCheckoutAction(sessionId: string, outcome: "pay" | "decline"): Promise<CheckoutActionResult> {
  const ctx = simulatorContext();
  const input = checkoutInput.safeParse({ sessionId, outcome });
  if (!input.success) return { ok: false, error: "invalid_input" };
  if (!(await canOpenSimulatorCheckout(ctx.db, { userId: await signedInUserId(await headers()), sessionId: input.data.sessionId }))) {
    return { ok: false, error: "not_found" };
  }
  return asResult(async () => {
    const { redirectUrl } = await completeCheckout(ctx, input.data.sessionId, input.data.outcome);
    return { ok: true as const, redirectUrl };
  });
}

export async function portalAction(customerId: string, operation: string, targetId: string): Promise<PortalActionResult> {
  const ctx = simulatorContext();
  const input = portalInput.safeParse({ customerId, operation, targetId });
  if (!input.success) return { ok: false, error: "invalid_input" };
  if (!(await canOpenSimulatorPortal(ctx.db, { userId: await signedInUserId(await headers()), customerId: input.data.customerId }))) {
    return { ok: false, error: "not_found" };
  }
  return asResult(async () => {
    await runPortalOperation(ctx, input.data.customerId, input.data.operation, input.data.targetId);
    revalidatePath("/[locale]/simulator/portal/[customerId]", "page");
    return { ok: true as const };
  });
}
