import { prisma } from "@/server/db/client";

export const dynamic = "force-dynamic";

/** Liveness plus a database round trip; uptime monitors and the e2e runner poll this. */
export async function GET() {
  try {
    await prisma.$queryRaw`SELECT 1`;
    return Response.json({ status: "ok", database: "ok" });
  } catch {
    return Response.json({ status: "degraded", database: "unreachable" }, { status: 503 });
  }
}
