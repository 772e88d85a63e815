import type { Prisma } from "@/generated/prisma/client";
import type { DbTx } from "@/server/db/client";

export interface AuditEntry {
  tenantId?: string | null;
  actorUserId?: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  /** Facts about the change (ids, old/new names); never emails, passwords or tokens. */
  metadata?: Prisma.InputJsonObject;
}

/** Call inside the same transaction as the change it records, so one never lands without the other. */
export function recordAudit(db: DbTx, entry: AuditEntry) {
  return db.auditLog.create({ data: { ...entry, metadata: entry.metadata ?? {} } });
}
