/**
 * The local job runner against this file's real PostgreSQL: enqueue (validation, idempotency, in a
 * transaction), claims (SKIP LOCKED, leases, a dead worker's job), retries with backoff, permanent
 * failures, cron scheduling with two runners, and the runner loop's graceful stop.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createPrismaClient, prisma } from "@/server/db/client";
import {
  defineJob,
  DuplicateJobError,
  enqueue,
  jobsByName,
  PermanentJobError,
  runOnce,
  scheduleCronJobs,
  startRunner,
  type JobDefinition,
} from "@/server/domain/jobs";
import { jobQueue } from "@/server/providers/jobs";

const half = () => 0.5;
let seq = 0;
/** A fresh job name per test, so a row left by another test is never taken for this one's. */
const uniqueName = (base: string) => `test.${base}-${++seq}`;

const payloadSchema = z.object({ n: z.number().int() });

function countingJob(base: string, opts: Partial<JobDefinition<{ n: number }>> & { behaviour?: (attempt: number) => unknown } = {}) {
  const runs: { jobId: string; attempt: number; n: number }[] = [];
  const def = defineJob<{ n: number }>({
    name: uniqueName(base),
    parse: (p) => payloadSchema.parse(p),
    retry: { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAttempts: 5 },
    ...opts,
    run: async (payload, ctx) => {
      runs.push({ jobId: ctx.jobId, attempt: ctx.attempt, n: payload.n });
      return opts.behaviour ? opts.behaviour(ctx.attempt) : { doubled: payload.n * 2 };
    },
  });
  return { def, runs };
}

beforeEach(async () => {
  await prisma.job.deleteMany();
});

describe("enqueue (local queue)", () => {
  it("uses the jobs table when TRIGGER_SECRET_KEY is unset", () => {
    expect(jobQueue.name).toBe("local");
  });

  it("validates the payload at enqueue time: a bad payload throws and queues nothing", async () => {
    const { def } = countingJob("validate");
    await expect(enqueue(def, { n: "x" } as unknown as { n: number })).rejects.toThrow();
    expect(await prisma.job.count()).toBe(0);
  });

  it("stores name, payload, max attempts and the delay", async () => {
    const { def } = countingJob("store", { retry: { maxAttempts: 3 } });
    const before = Date.now();
    const { id, provider, created } = await enqueue(def, { n: 7 }, { delayMs: 60_000 });
    expect({ provider, created }).toEqual({ provider: "local", created: true });
    const row = await prisma.job.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ name: def.name, payload: { n: 7 }, status: "queued", attempts: 0, maxAttempts: 3 });
    expect(row.runAt.getTime()).toBeGreaterThanOrEqual(before + 60_000 - 5);
  });

  it("the same idempotency key twice gives one job, which runs once", async () => {
    const { def, runs } = countingJob("idem");
    const first = await enqueue(def, { n: 1 }, { idempotencyKey: "idem-1" });
    const second = await enqueue(def, { n: 1 }, { idempotencyKey: "idem-1" });
    expect(second).toEqual({ id: first.id, provider: "local", created: false });
    expect(await prisma.job.count()).toBe(1);
    while (await runOnce({ jobs: [def], db: prisma, workerId: "w" })) {
      // drain
    }
    expect(runs).toHaveLength(1);
  });

  it("five concurrent enqueues with one key insert one row and all return its id", async () => {
    const { def } = countingJob("idem-race");
    const results = await Promise.all(Array.from({ length: 5 }, () => enqueue(def, { n: 1 }, { idempotencyKey: "race-key" })));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await prisma.job.count()).toBe(1);
  });

  it("enqueues inside the caller's transaction: a rollback leaves no job, a duplicate key does not abort it", async () => {
    const { def } = countingJob("tx");
    await expect(
      prisma.$transaction(async (tx) => {
        await enqueue(def, { n: 1 }, { db: tx, idempotencyKey: "tx-1" });
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect(await prisma.job.count()).toBe(0);

    await enqueue(def, { n: 1 }, { idempotencyKey: "tx-2" });
    const ids = await prisma.$transaction(async (tx) => {
      const again = await enqueue(def, { n: 1 }, { db: tx, idempotencyKey: "tx-2" });
      const other = await enqueue(def, { n: 2 }, { db: tx, idempotencyKey: "tx-3" });
      return [again, other];
    });
    expect(ids[0]!.created).toBe(false);
    expect(ids[1]!.created).toBe(true);
    expect(await prisma.job.count()).toBe(2);
  });
});

describe("runOnce", () => {
  it("runs a due job: succeeded with its result, one attempt", async () => {
    const { def, runs } = countingJob("ok");
    const { id } = await enqueue(def, { n: 21 });
    const result = await runOnce({ jobs: [def], db: prisma, workerId: "w1" });
    expect(result).toMatchObject({ jobId: id, status: "succeeded", attempt: 1 });
    expect(runs).toEqual([{ jobId: id, attempt: 1, n: 21 }]);
    const row = await prisma.job.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "succeeded", attempts: 1, result: { doubled: 42 }, lockedBy: null, leaseExpiresAt: null, lastError: null });
    expect(row.finishedAt).not.toBeNull();
    expect(await runOnce({ jobs: [def], db: prisma, workerId: "w1" })).toBeNull();
  });

  it("does not run a delayed job before its time", async () => {
    const { def, runs } = countingJob("delayed");
    await enqueue(def, { n: 1 }, { delayMs: 10_000 });
    expect(await runOnce({ jobs: [def], db: prisma, workerId: "w" })).toBeNull();
    expect(await runOnce({ jobs: [def], db: prisma, workerId: "w", now: new Date(Date.now() + 11_000) })).toMatchObject({ status: "succeeded" });
    expect(runs).toHaveLength(1);
  });

  it("retries with growing backoff until it succeeds", async () => {
    const { def, runs } = countingJob("flaky", {
      behaviour: (attempt) => {
        if (attempt < 3) throw new Error(`temporary outage ${attempt}`);
        return "ok";
      },
    });
    const { id } = await enqueue(def, { n: 1 });
    const t0 = new Date();
    const first = await runOnce({ jobs: [def], db: prisma, workerId: "w", now: t0, random: half });
    expect(first).toMatchObject({ status: "retrying", attempt: 1, error: "temporary outage 1" });
    // Not due yet at the same instant.
    expect(await runOnce({ jobs: [def], db: prisma, workerId: "w", now: t0, random: half })).toBeNull();
    const r1 = first!.runAt!;
    let row = await prisma.job.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "retrying", attempts: 1, lastError: "temporary outage 1", lockedBy: null });

    const second = await runOnce({ jobs: [def], db: prisma, workerId: "w", now: r1, random: half });
    expect(second).toMatchObject({ status: "retrying", attempt: 2 });
    const r2 = second!.runAt!;
    const third = await runOnce({ jobs: [def], db: prisma, workerId: "w", now: r2, random: half });
    expect(third).toMatchObject({ status: "succeeded", attempt: 3 });

    const gap1 = r1.getTime() - t0.getTime();
    const gap2 = r2.getTime() - r1.getTime();
    expect(gap1).toBeGreaterThanOrEqual(750); // equal jitter, base 1 s: 500 + 0.5 * 500
    expect(gap2).toBeGreaterThan(gap1); // 1 500: doubled
    expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
    row = await prisma.job.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "succeeded", attempts: 3, result: "ok" });
  });

  it("fails for good after max attempts, keeping the last error (message only)", async () => {
    const { def, runs } = countingJob("always-fails", {
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 },
      behaviour: (attempt) => {
        throw new TypeError(`broken ${attempt}`);
      },
    });
    const { id } = await enqueue(def, { n: 1 });
    let now = new Date();
    for (let i = 0; i < 10; i++) {
      const r = await runOnce({ jobs: [def], db: prisma, workerId: "w", now });
      if (!r) break;
      now = new Date((r.runAt ?? now).getTime() + 1);
    }
    expect(runs).toHaveLength(3);
    const row = await prisma.job.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "failed", attempts: 3, maxAttempts: 3, lastError: "TypeError: broken 3", lockedBy: null });
    expect(row.lastError).not.toContain("at ");
    expect(row.finishedAt).not.toBeNull();
  });

  it("a PermanentJobError fails at once", async () => {
    const { def, runs } = countingJob("permanent", {
      behaviour: () => {
        throw new PermanentJobError("recipient rejected (422)");
      },
    });
    const { id } = await enqueue(def, { n: 1 });
    expect(await runOnce({ jobs: [def], db: prisma, workerId: "w" })).toMatchObject({ status: "failed", attempt: 1 });
    expect(runs).toHaveLength(1);
    expect(await prisma.job.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "failed",
      attempts: 1,
      lastError: "PermanentJobError: recipient rejected (422)",
    });
  });

  it("a payload that no longer parses, and an unknown job name, fail at once without running", async () => {
    const { def, runs } = countingJob("reparse");
    const bad = await prisma.job.create({ data: { name: def.name, payload: { n: "not a number" } } });
    const unknown = await prisma.job.create({ data: { name: "test.no-such-job", payload: {} } });
    while (await runOnce({ jobs: [def], db: prisma, workerId: "w" })) {
      // drain
    }
    expect(runs).toHaveLength(0);
    const badRow = await prisma.job.findUniqueOrThrow({ where: { id: bad.id } });
    expect(badRow.status).toBe("failed");
    expect(badRow.lastError).toMatch(/^Invalid payload/);
    const unknownRow = await prisma.job.findUniqueOrThrow({ where: { id: unknown.id } });
    expect(unknownRow).toMatchObject({ status: "failed", attempts: 1 });
    expect(unknownRow.lastError).toMatch(/Unknown job "test.no-such-job"/);
  });

  it("recovers a dead worker's claim after its lease, and leaves a live lease alone", async () => {
    const { def, runs } = countingJob("crashed");
    const past = new Date(Date.now() - 60_000);
    const dead = await prisma.job.create({
      data: { name: def.name, payload: { n: 5 }, status: "running", attempts: 1, lockedBy: "dead-worker", startedAt: past, leaseExpiresAt: new Date(Date.now() - 1_000) },
    });
    const alive = await prisma.job.create({
      data: { name: def.name, payload: { n: 6 }, status: "running", attempts: 1, lockedBy: "live-worker", startedAt: past, leaseExpiresAt: new Date(Date.now() + 60_000) },
    });
    expect(await runOnce({ jobs: [def], db: prisma, workerId: "w2" })).toMatchObject({ jobId: dead.id, status: "succeeded", attempt: 2 });
    expect(await runOnce({ jobs: [def], db: prisma, workerId: "w2" })).toBeNull();
    expect(runs).toEqual([{ jobId: dead.id, attempt: 2, n: 5 }]);
    expect(await prisma.job.findUniqueOrThrow({ where: { id: alive.id } })).toMatchObject({ status: "running", lockedBy: "live-worker" });

    // Once the live worker's lease runs out too (the clock moves past it), it is taken over.
    expect(await runOnce({ jobs: [def], db: prisma, workerId: "w2", now: new Date(Date.now() + 61_000) })).toMatchObject({ jobId: alive.id, attempt: 2 });
  });

  it("a dead worker's claim on the last attempt fails the job instead of running it again", async () => {
    const { def, runs } = countingJob("crashed-last", { retry: { maxAttempts: 2 } });
    const row = await prisma.job.create({
      data: { name: def.name, payload: { n: 1 }, status: "running", attempts: 2, maxAttempts: 2, lockedBy: "dead", leaseExpiresAt: new Date(Date.now() - 1) },
    });
    expect(await runOnce({ jobs: [def], db: prisma, workerId: "w" })).toMatchObject({ status: "failed" });
    expect(runs).toHaveLength(0);
    expect((await prisma.job.findUniqueOrThrow({ where: { id: row.id } })).lastError).toMatch(/lease expired/);
  });

  it("renews the lease while a long job runs, so no other runner takes it over", async () => {
    let finish!: () => void;
    const gate = new Promise<void>((r) => (finish = r));
    const { def, runs } = countingJob("long", { behaviour: () => gate.then(() => "slow but done") });
    const { id } = await enqueue(def, { n: 1 });
    const running = runOnce({ jobs: [def], db: prisma, workerId: "slow", leaseMs: 300 });
    await new Promise((r) => setTimeout(r, 800)); // well past the first lease
    expect(await runOnce({ jobs: [def], db: prisma, workerId: "other", leaseMs: 300 })).toBeNull();
    const row = await prisma.job.findUniqueOrThrow({ where: { id } });
    expect(row.lockedBy).toBe("slow");
    expect(row.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now());
    finish();
    expect(await running).toMatchObject({ status: "succeeded" });
    expect(runs).toHaveLength(1);
  });

  it("does not overwrite a job that was canceled while it ran", async () => {
    const def = defineJob({
      name: uniqueName("canceled"),
      parse: (p) => p,
      run: async (_p, ctx) => {
        await prisma.job.update({ where: { id: ctx.jobId }, data: { status: "canceled" } });
        return "done";
      },
    });
    const jobId = (await enqueue(def, {})).id;
    expect(await runOnce({ jobs: [def], db: prisma, workerId: "w" })).toMatchObject({ status: "lost" });
    expect(await prisma.job.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({ status: "canceled" });
  });
});

describe("runners in parallel", () => {
  const clients = [createPrismaClient(process.env.DATABASE_URL), createPrismaClient(process.env.DATABASE_URL)];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.$disconnect()));
  });

  it("two runners over 50 jobs run each job exactly once", async () => {
    const executions = new Map<string, number>();
    const def = defineJob({
      name: uniqueName("parallel"),
      parse: (p) => payloadSchema.parse(p),
      run: async (_p, ctx) => {
        executions.set(ctx.jobId, (executions.get(ctx.jobId) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, Math.random() * 5));
      },
    });
    const ids = await Promise.all(Array.from({ length: 50 }, (_, n) => enqueue(def, { n }).then((r) => r.id)));
    const controller = new AbortController();
    const loops = clients.map((db, i) =>
      startRunner({ jobs: [def], db, concurrency: 3, pollMs: 10, signal: controller.signal, workerId: `runner-${i}`, cron: false, log: () => undefined }),
    );
    const deadline = Date.now() + 15_000;
    while ((await prisma.job.count({ where: { status: "succeeded" } })) < 50 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
    controller.abort();
    await Promise.all(loops);

    expect(executions.size).toBe(50);
    expect([...executions.values()].every((c) => c === 1)).toBe(true);
    expect(new Set(executions.keys())).toEqual(new Set(ids));
    const rows = await prisma.job.findMany({ select: { status: true, attempts: true, lockedBy: true } });
    expect(rows.every((r) => r.status === "succeeded" && r.attempts === 1 && r.lockedBy === null)).toBe(true);
  });

  it("stopping the runner lets the running job finish", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const startedP = new Promise<void>((r) => (started = r));
    const def = defineJob({
      name: uniqueName("graceful"),
      parse: (p) => p,
      run: async () => {
        started();
        await gate;
        return "finished";
      },
    });
    const { id } = await enqueue(def, {});
    const controller = new AbortController();
    const loop = startRunner({ jobs: [def], db: prisma, concurrency: 1, pollMs: 10, signal: controller.signal, cron: false, log: () => undefined });
    await startedP;
    controller.abort();
    release();
    await loop;
    expect(await prisma.job.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "succeeded", result: "finished" });
  });
});

describe("cron", () => {
  it("two runners ticking at once enqueue one job per period, which runs once", async () => {
    const runs: string[] = [];
    const def = defineJob({
      name: uniqueName("cron"),
      cron: "*/5 * * * *",
      parse: (p) => z.object({ scheduledAt: z.iso.datetime() }).parse(p),
      run: async (p) => {
        runs.push(p.scheduledAt);
      },
    });
    const [a, b] = [createPrismaClient(process.env.DATABASE_URL), createPrismaClient(process.env.DATABASE_URL)];
    try {
      const tick = (now: Date) =>
        Promise.all([
          scheduleCronJobs({ db: a, now, jobs: [def] }),
          scheduleCronJobs({ db: b, now, jobs: [def] }),
        ]);
      const now1 = new Date("2026-01-01T10:07:30Z");
      const [ra, rb] = await tick(now1);
      expect(ra[0]!.id).toBe(rb[0]!.id);
      await tick(new Date("2026-01-01T10:08:00Z")); // same period
      await tick(new Date("2026-01-01T10:09:59Z"));
      expect(await prisma.job.count()).toBe(1);
      const row = await prisma.job.findFirstOrThrow();
      expect(row.idempotencyKey).toBe(`cron:${def.name}:2026-01-01T10:05:00.000Z`);
      expect(row.runAt.toISOString()).toBe("2026-01-01T10:05:00.000Z");

      await Promise.all([
        runOnce({ jobs: [def], db: a, workerId: "a", now: new Date("2026-01-01T10:09:59Z") }),
        runOnce({ jobs: [def], db: b, workerId: "b", now: new Date("2026-01-01T10:09:59Z") }),
      ]);
      expect(runs).toEqual(["2026-01-01T10:05:00.000Z"]);

      await tick(new Date("2026-01-01T10:10:01Z")); // the next period
      expect(await prisma.job.count()).toBe(2);
      // A period long gone (the runners were down for a day) is not caught up.
      expect(await scheduleCronJobs({ db: a, now: new Date("2026-01-02T10:12:00Z"), jobs: [def], catchUpMs: 60_000 })).toEqual([]);
    } finally {
      await Promise.all([a.$disconnect(), b.$disconnect()]);
    }
  });

  it("two jobs with one name: a runner refuses to start; a bad name fails at definition", async () => {
    const name = uniqueName("dup");
    const def = defineJob({ name, parse: (p) => p, run: async () => undefined });
    const twin = defineJob({ name, parse: (p) => p, run: async () => "the other one" });
    expect(() => jobsByName([def, twin])).toThrow(DuplicateJobError);
    expect(jobsByName([def, def]).get(name)).toBe(def); // the same job listed twice is one job
    await expect(startRunner({ jobs: [def, twin], db: prisma, signal: AbortSignal.abort(), log: () => undefined })).rejects.toThrow(DuplicateJobError);
    expect(() => defineJob({ name: "Bad Name", parse: (p) => p, run: async () => undefined })).toThrow(/Invalid job name/);
  });

  it("an invalid cron expression fails at definition", () => {
    expect(() => defineJob({ name: uniqueName("bad-cron"), cron: "61 * * * *", parse: (p) => p, run: async () => undefined })).toThrow(/minute/);
  });
});
