import { prisma } from "@/server/db/client";
import { receiveWebhook } from "@/server/domain/billing/receive-webhook";
import { paymentProvider } from "@/server/providers/payments";

export const dynamic = "force-dynamic";

/** The payment provider's webhooks (Dodo, or the simulator in development). Thin: the inbox logic is in receiveWebhook. */
export async function POST(req: Request) {
  const rawBody = await req.text(); // the raw body, before any JSON parsing: the signature covers it
  const result = await receiveWebhook(prisma, { rawBody, headers: req.headers, provider: paymentProvider });
  if (result.status !== 200) return Response.json({ error: result.error }, { status: result.status });
  return Response.json({ received: true, duplicate: result.duplicate });
}
