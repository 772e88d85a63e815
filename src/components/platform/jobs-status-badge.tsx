import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import type { JobStatus } from "@/generated/prisma/enums";

const variant: Record<JobStatus, "info" | "warning" | "success" | "danger" | "neutral"> = {
  queued: "info",
  running: "info",
  retrying: "warning",
  succeeded: "success",
  failed: "danger",
  canceled: "neutral",
};

/** A job's status in words and colour (server or client: it only reads messages). */
export function JobStatusBadge({ status }: { status: JobStatus }) {
  const t = useTranslations("platform.jobs.status");
  return (
    <Badge variant={variant[status]} data-status={status}>
      {t(status)}
    </Badge>
  );
}
