import type { DbTx } from "@/server/db/client";
import { usageEventObjectId, type SimulatorUsageEvent } from "./objects";
import { prepareUsageBatches, type UsageEvent } from "../types";
import { SimulatorError } from "./errors";

/**
 * Dodo's usageEvents.ingest: the same checks as the Dodo adapter (time window, repeated ids in the
 * input sent once), every customer must exist (nothing is stored otherwise), and an event id seen
 * before is ignored. Returns how many events were new.
 */
export async function ingestUsageEvents(db: DbTx, events: UsageEvent[], now: Date = new Date()): Promise<{ ingested: number }> {
  const batches = prepareUsageBatches(events, "simulator", now);
  const customerIds = [...new Set(batches.flat().map((e) => e.customerId))];
  const known = await db.paymentSimulatorObject.findMany({ where: { kind: "customer", id: { in: customerIds } }, select: { id: true } });
  const unknown = customerIds.filter((id) => !known.some((k) => k.id === id));
  if (unknown.length > 0) throw new SimulatorError("not_found", `Usage events name unknown customer(s): ${unknown.join(", ")}`);

  let ingested = 0;
  for (const batch of batches) {
    const { count } = await db.paymentSimulatorObject.createMany({
      data: batch.map((e) => {
        const stored: SimulatorUsageEvent = {
          event_id: e.eventId,
          customer_id: e.customerId,
          event_name: e.eventName,
          timestamp: e.timestamp.toISOString(),
          metadata: e.metadata ?? {},
          created_at: now.toISOString(),
        };
        return { id: usageEventObjectId(e.eventId), kind: "usage_event", data: { ...stored } };
      }),
      skipDuplicates: true,
    });
    ingested += count;
  }
  return { ingested };
}
