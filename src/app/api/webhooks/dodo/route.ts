import { env } from "@/env";
import { prisma } from "@/server/db/client";
import { receiveWebhook } from "@/server/domain/billing/receive-webhook";
import { paymentProvider } from "@/server/providers/payments";
import { resolveWebhookSecret } from "@/server/providers/payments/webhook-secret";

export const dynamic = "force-dynamic";

/** Dodo Payments webhooks (Standard Webhooks). Thin: the inbox logic is in receiveWebhook. */
export async function POST(req: Request) {
  const rawBody = await req.text(); // the raw body, before any JSON parsing: the signature covers it
  const result = await receiveWebhook(prisma, {
    rawBody,
    headers: req.headers,
    secret: resolveWebhookSecret(env),
    // The simulator sends Dodo's payloads to this same endpoint; its customers are its own.
    provider: paymentProvider.name,
  });
  if (result.status !== 200) return Response.json({ error: result.error }, { status: result.status });
  return Response.json({ received: true, duplicate: result.duplicate });
}
