/**
 * The Trigger.dev path, with the SDK intercepted (no network): with TRIGGER_SECRET_KEY set, enqueue
 * triggers the job's task with its payload and a global idempotency key and writes no jobs row; the
 * task wrappers in trigger/ run the same job function, one task per job of src/server/jobs.ts.
 */
import { describe, expect, it, vi } from "vitest";

const sdk = vi.hoisted(() => {
  // Before src/env.ts is imported: the provider is chosen from the environment.
  process.env.TRIGGER_SECRET_KEY = "tr_dev_test_0123456789";
  class AbortTaskRunError extends Error {
    override name = "AbortTaskRunError";
  }
  return {
    AbortTaskRunError,
    trigger: vi.fn(async (_id: string, _payload: unknown, _opts?: unknown) => ({ id: "run_test_1" })),
    createKey: vi.fn(async (key: string, _opts?: { scope?: string }) => `global:${key}`),
    configure: vi.fn(),
    task: vi.fn((params: { id: string; run: (payload: unknown, ctx: unknown) => Promise<unknown> }) => params),
    scheduleTask: vi.fn((params: { id: string; cron: string; run: (payload: unknown, ctx: unknown) => Promise<unknown> }) => params),
  };
});

vi.mock("@trigger.dev/sdk", () => ({
  AbortTaskRunError: sdk.AbortTaskRunError,
  configure: sdk.configure,
  idempotencyKeys: { create: sdk.createKey },
  tasks: { trigger: sdk.trigger },
  task: sdk.task,
  schedules: { task: sdk.scheduleTask },
}));

const { z } = await import("zod");
const { prisma } = await import("@/server/db/client");
const { defineJob, enqueue, PermanentJobError } = await import("@/server/domain/jobs");
const { jobQueue } = await import("@/server/providers/jobs");

const received: { payload: unknown; attempt: number; jobId: string }[] = [];
const sendReport = defineJob({
  name: "test.send-report",
  parse: (p) => z.object({ reportId: z.string() }).parse(p),
  retry: { maxAttempts: 4, baseDelayMs: 2_000, maxDelayMs: 30_000 },
  run: async (payload, ctx) => {
    received.push({ payload, attempt: ctx.attempt, jobId: ctx.jobId });
    if (payload.reportId === "gone") throw new PermanentJobError("report deleted");
    return { sent: payload.reportId };
  },
});
const nightly = defineJob({
  name: "test.nightly",
  cron: "0 3 * * *",
  parse: (p) => z.object({ scheduledAt: z.string() }).parse(p),
  run: async (payload) => ({ ranFor: payload.scheduledAt }),
});

describe("enqueue with TRIGGER_SECRET_KEY", () => {
  it("selects the Trigger.dev queue", () => {
    expect(jobQueue.name).toBe("trigger");
  });

  it("triggers the job's task with the payload and a global idempotency key, and writes no jobs row", async () => {
    const before = Date.now();
    const result = await enqueue(sendReport, { reportId: "r1" }, { idempotencyKey: "report:r1", delayMs: 60_000 });
    expect(result).toEqual({ id: "run_test_1", provider: "trigger" });
    expect(sdk.configure).toHaveBeenCalledWith({ secretKey: "tr_dev_test_0123456789" });
    expect(sdk.createKey).toHaveBeenCalledWith("report:r1", { scope: "global" });
    expect(sdk.trigger).toHaveBeenCalledTimes(1);
    const [taskId, payload, options] = sdk.trigger.mock.calls[0]!;
    expect(taskId).toBe("test.send-report");
    expect(payload).toEqual({ reportId: "r1" });
    const { idempotencyKey, delay } = options as { idempotencyKey: string; delay: Date };
    expect(idempotencyKey).toBe("global:report:r1");
    expect(delay.getTime()).toBeGreaterThanOrEqual(before + 60_000);
    expect(await prisma.job.count()).toBe(0);
  });

  it("without a key or delay passes neither; a bad payload never reaches Trigger.dev", async () => {
    sdk.trigger.mockClear();
    await enqueue(sendReport, { reportId: "r2" });
    expect(sdk.trigger).toHaveBeenLastCalledWith("test.send-report", { reportId: "r2" }, {});
    await expect(enqueue(sendReport, { reportId: 5 } as unknown as { reportId: string })).rejects.toThrow();
    expect(sdk.trigger).toHaveBeenCalledTimes(1);
    expect(await prisma.job.count()).toBe(0);
  });
});

describe("trigger/ task wrappers", () => {
  it("runJobTask runs the job function with the run's attempt and id", async () => {
    const { runJobTask } = await import("../../trigger/run-job");
    received.length = 0;
    await expect(runJobTask(sendReport, { reportId: "r3" }, { attempt: 2, runId: "run_abc" })).resolves.toEqual({ sent: "r3" });
    expect(received).toEqual([{ payload: { reportId: "r3" }, attempt: 2, jobId: "run_abc" }]);
  });

  it("turns permanent failures into AbortTaskRunError (no retry) and leaves others to the retry policy", async () => {
    const { runJobTask } = await import("../../trigger/run-job");
    await expect(runJobTask(sendReport, { reportId: "gone" }, { attempt: 1, runId: "r" })).rejects.toBeInstanceOf(sdk.AbortTaskRunError);
    await expect(runJobTask(sendReport, { reportId: 1 }, { attempt: 1, runId: "r" })).rejects.toBeInstanceOf(sdk.AbortTaskRunError);
  });

  it("declares one task per job (retry policy from the job) and a scheduled task for cron jobs, both calling the job", async () => {
    const { jobTasksFor } = await import("../../trigger/tasks");
    expect(jobTasksFor([sendReport, nightly])).toHaveLength(2);
    const taskParams = sdk.task.mock.calls.map((c) => c[0]).find((p) => p.id === sendReport.name)!;
    expect(taskParams).toMatchObject({
      id: "test.send-report",
      retry: { maxAttempts: 4, factor: 2, minTimeoutInMs: 2_000, maxTimeoutInMs: 30_000, randomize: true },
    });
    received.length = 0;
    const ctx = { ctx: { attempt: { number: 3 }, run: { id: "run_xyz" } } };
    await expect(taskParams.run({ reportId: "r4" }, ctx)).resolves.toEqual({ sent: "r4" });
    expect(received).toEqual([{ payload: { reportId: "r4" }, attempt: 3, jobId: "run_xyz" }]);

    const scheduled = sdk.scheduleTask.mock.calls.map((c) => c[0]).find((p) => p.id === nightly.name)!;
    expect(scheduled.cron).toBe("0 3 * * *");
    await expect(scheduled.run({ timestamp: new Date("2026-02-01T03:00:00Z") }, ctx)).resolves.toEqual({ ranFor: "2026-02-01T03:00:00.000Z" });
  });

  it("the app's tasks are its job list: one task per job, scheduled for cron jobs", async () => {
    const { jobTasks } = await import("../../trigger/tasks");
    const { jobs } = await import("@/server/jobs");
    expect(jobTasks.map((t) => t.id)).toEqual(jobs.map((j) => j.name));
    const scheduledIds = new Set(sdk.scheduleTask.mock.calls.map((c) => c[0].id));
    for (const job of jobs) expect(scheduledIds.has(job.name), job.name).toBe(job.cron !== undefined);
  });
});
