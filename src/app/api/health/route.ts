import { prisma } from "@/server/db/client";
import { jobStats } from "@/server/domain/jobs/admin";

export const dynamic = "force-dynamic";

/**
 * Liveness plus a database round trip; uptime monitors and the e2e runner poll this. The job numbers
 * let a monitor alert on a stuck queue (oldest due job waiting too long) or a pile of failures; they
 * never turn the status to 503, which means only "the database is unreachable".
 */
export async function GET() {
  try {
    await prisma.$queryRaw`SELECT 1`;
  } catch {
    return Response.json({ status: "degraded", database: "unreachable" }, { status: 503 });
  }
  const stats = await jobStats(prisma).catch(() => null);
  const jobs = stats
    ? { queued: stats.counts.queued, failed: stats.counts.failed, oldestQueuedAgeSeconds: stats.oldestQueuedAgeSeconds }
    : null;
  return Response.json({ status: "ok", database: "ok", jobs });
}
