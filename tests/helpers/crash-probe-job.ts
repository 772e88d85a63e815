/**
 * A job for crash tests. Added to a real worker process's jobs (worker-with-crash-probe.ts) and imported
 * by the test to enqueue it. It sends one email to the dev mailbox with the job id as the
 * provider's idempotency key (as notifications.deliver sends with its outbox row id), then its first
 * attempt stays mid-job until its runner is killed; a later attempt finishes at once.
 * Imports only defineJob and the mailbox provider: nothing that reads the environment at import.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { defineJob } from "@/server/domain/jobs/define-job";
import { createDevMailboxProvider } from "@/server/providers/email/dev-mailbox";

export const crashProbeJob = defineJob({
  name: "test.crash-probe",
  parse: (payload) => z.object({ to: z.email() }).parse(payload),
  run: async ({ to }, ctx) => {
    const mailbox = createDevMailboxProvider({ db: ctx.db, from: "jobs@example.test" });
    await mailbox.send({ to, subject: "Crash probe", html: "<p>Sent once</p>", text: "Sent once", idempotencyKey: `crash-probe:${ctx.jobId}` });
    if (ctx.attempt === 1) await sleep(10 * 60_000);
    return { sentTo: to };
  },
});
