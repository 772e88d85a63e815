/**
 * Concurrent metered calls of one tenant (issue 11, finding 2): through the real tRPC route handler with a
 * real session, every call either completes or is refused (out of credits: 403 LIMIT_REACHED; busy: 503
 * with Retry-After), never 500; retried after Retry-After as a client would, exactly as many succeed as
 * the credits allow, and the ledger is exact. A tenant's queue of calls waits without holding the pool,
 * so another tenant's calls are answered meanwhile. No error body names a server file.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { PrismaPg } from "@prisma/adapter-pg";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/generated/prisma/client";
import { prisma } from "@/server/db/client";
import { isDatabaseBusy } from "@/server/db/pool-errors";
import { lockTenantCredits } from "@/server/db/locks";
import { inTransaction, type Tx } from "@/server/db/transaction";
import { usagePeriod } from "@/server/domain/usage/metrics";
import { sameOrigin, trpcInput, trpcRequest } from "../helpers/api-requests";
import { signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { errorShapeOf } from "../helpers/trpc-errors";

const CREDITS = 10;
const CREDITS_PER_ANALYSIS = 2; // ANALYSIS_AI_CREDITS, all beyond the exhausted monthly allowance
const MAX_ATTEMPTS = 10;

/** Another process's connections (another app instance, the job runner): not the app's pool. */
const elsewhere = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL!, max: 3 }) });
afterAll(() => elsewhere.$disconnect());

interface Answer {
  status: number;
  retryAfter: string | null;
  body: string;
}

/** A tenant on Starter whose monthly AI credits are used up, holding CREDITS purchased credits, and a project. */
async function tenantWithCredits(): Promise<{ user: SignedInUser; projectId: string }> {
  const user = await signUpAndSignIn({ name: "Busy analyst" });
  const projectId = (await user.caller.projects.create({ name: "Analysed" })).id;
  const period = usagePeriod(new Date());
  await prisma.usageAggregate.create({
    data: { tenantId: user.tenantId, metric: "ai_credits", periodStart: period.start, periodEnd: period.end, units: 50n, aggregatedThrough: new Date(Date.now() - 60_000) },
  });
  await prisma.tenantCreditLedger.create({ data: { tenantId: user.tenantId, kind: "purchase", amount: CREDITS, reference: `pay_${randomUUID()}` } });
  return { user, projectId };
}

async function analyseOnce(user: SignedInUser, projectId: string, requestId: string): Promise<Answer> {
  const res = await trpcRequest("/api/trpc/projects.runAnalysis", { headers: sameOrigin(user.headers), body: trpcInput({ id: projectId, requestId }) });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.text() };
}

/**
 * One analysis as a client makes it: a 503 is retried (same request id) after its Retry-After. Returns
 * every answer; `seen` gets them as they arrive.
 */
async function analyse(user: SignedInUser, projectId: string, requestId: string, seen: Answer[] = []): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const answer = await analyseOnce(user, projectId, requestId);
    answers.push(answer);
    seen.push(answer);
    if (answer.status !== 503 || answer.retryAfter === null) break;
    await sleep(Number(answer.retryAfter) * 1_000);
  }
  return answers;
}

const FILE_PATH = /(\/[\w.@+-]+){2,}\.(ts|tsx|js|mjs)\b|node_modules|"stack"/;

/** Every answer is a success, out of credits or busy with Retry-After; never a 500 or a file path. */
function expectCleanAnswers(answers: Answer[]) {
  const unclean = answers.filter(
    (a) =>
      FILE_PATH.test(a.body) ||
      !(a.status === 200 || (a.status === 403 && a.body.includes('"appCode":"LIMIT_REACHED"')) || (a.status === 503 && /^\d+$/.test(a.retryAfter ?? ""))),
  );
  expect(unclean.map((a) => `${a.status} ${a.body.slice(0, 300)}`)).toEqual([]);
}

/** The final answers: exactly CREDITS / CREDITS_PER_ANALYSIS succeeded, the rest ran out of credits; the ledger adds up. */
async function expectExactLedger(tenantId: string, finals: Answer[]) {
  const succeeded = CREDITS / CREDITS_PER_ANALYSIS;
  expect(finals.filter((a) => a.status === 200)).toHaveLength(succeeded);
  expect(finals.filter((a) => a.status === 403)).toHaveLength(finals.length - succeeded);
  const consumed = await prisma.tenantCreditLedger.aggregate({ where: { tenantId, kind: "consume" }, _sum: { amount: true } });
  expect(consumed._sum.amount).toBe(-CREDITS);
  const balance = await prisma.tenantCreditLedger.aggregate({ where: { tenantId }, _sum: { amount: true } });
  expect(balance._sum.amount).toBe(0);
  expect(await prisma.usageEvent.count({ where: { tenantId, metric: "ai_credits" } })).toBe(succeeded);
  expect(await prisma.usageEvent.count({ where: { tenantId, metric: "api_calls" } })).toBe(succeeded);
}

describe("concurrent analyses of one tenant racing for its credits", () => {
  it.each([20, 100])("%i at once: never a 500, exactly what the credits allow succeeds", { timeout: 180_000 }, async (calls) => {
    const { user, projectId } = await tenantWithCredits();
    const answers = await Promise.all(Array.from({ length: calls }, (_, i) => analyse(user, projectId, `req-${i}`)));
    expectCleanAnswers(answers.flat());
    await expectExactLedger(user.tenantId, answers.map((a) => a.at(-1)!));
  });

  it("while another process holds the tenant's credit lock, its 100 calls queue without taking the pool: another tenant is served, the wait ends in 503s, then they finish", { timeout: 180_000 }, async () => {
    const { user, projectId } = await tenantWithCredits();
    const other = await signUpAndSignIn({ name: "Neighbour" });
    const otherProject = (await other.caller.projects.create({ name: "Neighbour's" })).id;

    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const lockHeld = new Promise<void>((r) => (locked = r));
    const holder = inTransaction(
      elsewhere,
      async (tx) => {
        await lockTenantCredits(tx, user.tenantId);
        locked();
        await released;
      },
      { timeout: 120_000, maxWait: 10_000 },
    );
    await lockHeld;

    const seen: Answer[] = [];
    const queued = Array.from({ length: 100 }, (_, i) => analyse(user, projectId, `req-${i}`, seen));
    // Once the first call waits for the lock in the database, the others are queued behind it.
    while ((await waitingForAdvisoryLocks()) === 0) await sleep(20);
    const neighbour = await analyse(other, otherProject, "req-neighbour");
    // Held until the wait has been refused (lock_timeout, or the queue's own limit).
    while (!seen.some((a) => a.status === 503)) await sleep(20);
    release();
    await holder;

    expect(neighbour.map((a) => a.status)).toEqual([200]);
    const answers = await Promise.all(queued);
    expectCleanAnswers(answers.flat());
    await expectExactLedger(user.tenantId, answers.map((a) => a.at(-1)!));
  });
});

/** Sessions of this test's database waiting for an advisory lock. */
async function waitingForAdvisoryLocks(): Promise<number> {
  const [row] = await elsewhere.$queryRaw<{ waiting: bigint }[]>`
    SELECT count(*) AS waiting FROM pg_locks
    WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
  return Number(row!.waiting);
}

describe("what a busy or failed call tells the client", () => {
  let tenantId: string;
  beforeAll(async () => {
    tenantId = (await prisma.tenant.create({ data: { name: "Shapes", slug: `shapes-${randomUUID()}` } })).id;
  });

  it("a lock wait past lock_timeout is busy (raw and model queries), so it answers 503, not 500", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let held!: () => void;
    const holding = new Promise<void>((r) => (held = r));
    const event = { tenantId, idempotencyKey: "held", metric: "api_calls", units: 1, actorType: "api" as const, occurredAt: new Date() };
    const holder = inTransaction(
      prisma,
      async (tx) => {
        await lockTenantCredits(tx, tenantId);
        await tx.usageEvent.create({ data: event }); // uncommitted: an insert of the same key waits for it
        held();
        await released;
      },
      { timeout: 60_000 },
    );
    await holding;
    const waitTooLong = (query: (tx: Tx) => Promise<unknown>) =>
      inTransaction(elsewhere, async (tx) => {
        await tx.$executeRaw`SET LOCAL lock_timeout = 100`;
        await query(tx);
      }).then(() => null, (e: unknown) => e);
    const raw = await waitTooLong((tx) => lockTenantCredits(tx, tenantId));
    const model = await waitTooLong((tx) => tx.usageEvent.createMany({ data: [event], skipDuplicates: true }));
    release();
    await holder;
    expect(raw).toMatchObject({ code: "P2010" });
    expect(model).toMatchObject({ code: "P2039" });
    expect(isDatabaseBusy(raw)).toBe(true);
    expect(isDatabaseBusy(model)).toBe(true);
  });

  it("an unexpected error's answer carries neither its message nor a stack (Prisma's name the source file)", () => {
    const cause = new Error("Invalid `tx.usageEvent.createManyAndReturn()` invocation in\n/app/src/server/domain/usage/record-usage.ts:310:45");
    const shape = errorShapeOf(new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: cause.message, cause }), "projects.runAnalysis");
    expect(JSON.stringify(shape)).not.toMatch(FILE_PATH);
    expect(shape.message).toBe("Something went wrong");
  });
});
