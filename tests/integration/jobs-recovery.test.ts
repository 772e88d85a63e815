/**
 * How fast the local runner recovers a job its runner could not finish (issue 11, finding 5): a worker
 * process killed with -9 mid-job (real processes: scripts/worker.ts), a worker restarted on the same
 * host, and a runner that cannot record a job's result because the database is briefly unreachable.
 * The requirement: a dead runner's job resumes within 60 s, and its effects happen once.
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPrismaClient, prisma } from "@/server/db/client";
import { DEFAULT_LEASE_MS, defaultWorkerId, defineJob, enqueue, releaseJobsOfStoppedWorkers, runOnce } from "@/server/domain/jobs";
import { crashProbeJob } from "../helpers/crash-probe-job";
import { startDbOutageProxy, type DbOutageProxy } from "../helpers/db-outage-proxy";
import { killWorkerProcesses, startWorkerProcess, waitFor } from "../helpers/worker-process";

const RESUME_BOUND_MS = 60_000;
/** Room for a slow, shared machine: starting a worker process compiles the app's job modules. */
const PROCESS_TEST_TIMEOUT_MS = 180_000;

let seq = 0;
const probeRecipient = () => `crash-probe-${++seq}@example.test`;

beforeEach(async () => {
  await prisma.job.deleteMany();
});
afterEach(killWorkerProcesses);

/** Enqueues the probe job and waits until a worker is mid-job: its email is sent, its first attempt holds. */
async function probeJobMidRun(to: string) {
  const { id } = await enqueue(crashProbeJob, { to });
  await waitFor("the probe job's email", 60_000, async () => ((await prisma.devMailboxMessage.count({ where: { to } })) > 0 ? true : undefined));
  return prisma.job.findUniqueOrThrow({ where: { id } });
}

async function waitForSucceeded(id: string) {
  return waitFor("the probe job to succeed", RESUME_BOUND_MS + 30_000, async () => {
    const row = await prisma.job.findUniqueOrThrow({ where: { id } });
    return row.status === "succeeded" ? row : undefined;
  });
}

describe("a worker killed mid-job (kill -9 of a real worker process)", () => {
  it(
    "a worker restarted on the same host releases its predecessor's job at start-up and resumes it at once; the email is sent once",
    async () => {
      const to = probeRecipient();
      // The production lease (no JOBS_LEASE_MS): the restart must not wait for it.
      const first = startWorkerProcess();
      const held = await probeJobMidRun(to);
      expect(held).toMatchObject({ status: "running", attempts: 1 });
      expect(held.lockedBy).toMatch(new RegExp(`^${os.hostname()}:${first.pid}:`));

      await first.kill("SIGKILL");
      const killedAt = Date.now();
      const second = startWorkerProcess();
      const done = await waitForSucceeded(held.id);

      expect(done.finishedAt!.getTime() - killedAt).toBeLessThan(RESUME_BOUND_MS);
      expect(done).toMatchObject({ attempts: 2, result: { sentTo: to }, lockedBy: null });
      expect(await prisma.devMailboxMessage.count({ where: { to } })).toBe(1);
      expect(second.output()).toMatch(new RegExp(`released .*${held.id}`));
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "a worker that stays up takes the job over once the dead worker's lease runs out; the email is sent once",
    async () => {
      // A short lease keeps the test fast; production's (DEFAULT_LEASE_MS, renewed every third of it)
      // gives the same takeover within the lease plus one poll.
      expect(DEFAULT_LEASE_MS + 1_000).toBeLessThan(RESUME_BOUND_MS);
      const env = { JOBS_LEASE_MS: "3000" };
      const to = probeRecipient();
      const first = startWorkerProcess(env);
      const held = await probeJobMidRun(to);
      expect(held.lockedBy).toMatch(new RegExp(`^${os.hostname()}:${first.pid}:`));
      const other = startWorkerProcess(env);
      await other.ready; // past its start-up release, while the first worker is still alive

      await first.kill("SIGKILL");
      const killedAt = Date.now();
      const leaseAtKill = (await prisma.job.findUniqueOrThrow({ where: { id: held.id } })).leaseExpiresAt!;
      const done = await waitForSucceeded(held.id);

      expect(done.finishedAt!.getTime() - killedAt).toBeLessThan(RESUME_BOUND_MS);
      expect(done.startedAt!.getTime()).toBeGreaterThanOrEqual(leaseAtKill.getTime());
      expect(done).toMatchObject({ attempts: 2, result: { sentTo: to } });
      expect(await prisma.devMailboxMessage.count({ where: { to } })).toBe(1);
      expect(other.output()).not.toMatch(/released/);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});

describe("recording a job's result while the database is unreachable", () => {
  let proxy: DbOutageProxy;
  let db: ReturnType<typeof createPrismaClient>;
  beforeEach(async () => {
    proxy = await startDbOutageProxy(process.env.DATABASE_URL!);
    db = createPrismaClient(proxy.url);
  });
  afterEach(async () => {
    proxy.restore();
    await db.$disconnect();
    await proxy.close();
  });

  /** A job that runs until `finish` is called; `started` resolves once it runs. */
  function gatedJob() {
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    let markStarted!: () => void;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const def = defineJob({
      name: `test.gated-${++seq}`,
      parse: (p) => p,
      run: async () => {
        markStarted();
        await gate;
        return "done";
      },
    });
    return { def, finish, started };
  }

  it(
    "keeps the job and retries recording its result until the database is back, instead of leaving it for the lease",
    async () => {
      const { def, finish, started } = gatedJob();
      const { id } = await enqueue(def, {});
      const log: string[] = [];
      const running = runOnce({ jobs: [def], db, workerId: "outage-worker", log: (line) => log.push(line) });
      await started;

      proxy.cut();
      finish(); // the job is done while its result cannot be written
      await sleep(3_000);
      expect(await prisma.job.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "running", lockedBy: "outage-worker" });
      const restoredAt = Date.now();
      proxy.restore();

      expect(await running).toMatchObject({ jobId: id, status: "succeeded", attempt: 1 });
      // Recorded within a few retries, far sooner than the production lease would have released it.
      expect(Date.now() - restoredAt).toBeLessThan(DEFAULT_LEASE_MS / 2);
      expect(await prisma.job.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "succeeded", result: "done", lockedBy: null, attempts: 1 });
      expect(log.join("\n")).toMatch(/recording its result failed/);
    },
    60_000,
  );

  it(
    "gives up once its lease has run out, and another runner then takes the job over",
    async () => {
      const { def, finish, started } = gatedJob();
      const { id } = await enqueue(def, {});
      const running = runOnce({ jobs: [def], db, workerId: "outage-worker", leaseMs: 1_500, log: () => undefined });
      await started;

      proxy.cut();
      finish();
      expect(await running).toMatchObject({ jobId: id, status: "lost" });
      expect(await prisma.job.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "running", lockedBy: "outage-worker" });

      // Its lease ends within moments (a renewal it sent as the database went away may have landed).
      const takeover = await waitFor("another runner's takeover", 10_000, async () => (await runOnce({ jobs: [def], db: prisma, workerId: "other-worker" })) ?? undefined);
      expect(takeover).toMatchObject({ jobId: id, status: "succeeded", attempt: 2 });
    },
    60_000,
  );
});

it("a result the database refuses is retried only until the lease it held then, although the heartbeat renews it", async () => {
  const def = defineJob({ name: `test.unstorable-${++seq}`, parse: (p) => p, run: async () => "a NUL character \u0000 that jsonb refuses" });
  const { id } = await enqueue(def, {});
  const log: string[] = [];
  expect(await runOnce({ jobs: [def], db: prisma, workerId: "refused-worker", leaseMs: 1_500, log: (line) => log.push(line) })).toMatchObject({ jobId: id, status: "lost" });
  expect(log.join("\n")).toMatch(/lease ran out before its result could be recorded/);
  expect(await prisma.job.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "running", lockedBy: "refused-worker" });
});

describe("releaseJobsOfStoppedWorkers (a runner's start-up)", () => {
  const other = createPrismaClient(process.env.DATABASE_URL);
  afterAll(() => other.$disconnect());

  /** A pid no process has: one that just exited and was reaped. */
  function deadPid(): number {
    return Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
  }

  it("makes the running jobs of stopped processes on this host claimable now; live processes' and other hosts' jobs keep their lease", async () => {
    const host = os.hostname();
    const [, , processStart, runner] = defaultWorkerId().split(":");
    const holders = {
      stoppedProcess: `${host}:${deadPid()}:${processStart}:${runner}#0`,
      earlierProcessWithOurPid: `${host}:${process.pid}:earlier1:${runner}#1`,
      thisProcess: `${defaultWorkerId()}#0`,
      liveProcess: `${host}:${process.ppid}:${processStart}:${runner}#0`,
      otherHost: `another-host-${host}:${deadPid()}:${processStart}:${runner}#0`,
      customId: "w1",
    };
    const lease = new Date(Date.now() + DEFAULT_LEASE_MS);
    const ids = Object.fromEntries(
      await Promise.all(
        Object.entries(holders).map(async ([key, lockedBy]) => {
          const row = await prisma.job.create({ data: { name: crashProbeJob.name, status: "running", attempts: 1, lockedBy, leaseExpiresAt: lease } });
          return [key, row.id] as const;
        }),
      ),
    ) as Record<keyof typeof holders, string>;

    const released = await releaseJobsOfStoppedWorkers({ db: other });
    expect(new Set(released.map((j) => j.id))).toEqual(new Set([ids.stoppedProcess, ids.earlierProcessWithOurPid]));

    const rows = await prisma.job.findMany({ select: { id: true, status: true, lockedBy: true, leaseExpiresAt: true } });
    for (const row of rows) {
      // Released: still the dead holder's until a runner claims it (its attempt counts), but claimable now.
      expect(row.status).toBe("running");
      const wasReleased = row.id === ids.stoppedProcess || row.id === ids.earlierProcessWithOurPid;
      expect(row.leaseExpiresAt!.getTime() <= Date.now(), row.lockedBy ?? "").toBe(wasReleased);
    }
    expect(await releaseJobsOfStoppedWorkers({ db: other })).toEqual([]);
  });
});
