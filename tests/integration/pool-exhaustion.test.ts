/**
 * An exhausted database pool is a retryable 503 with Retry-After, never a 500 (security issue,
 * finding 4). This file gives the app a pool of POOL_SIZE connections with a short connection timeout
 * (installed on globalThis before any app module creates its client, hence the dynamic imports) and
 * holds every connection in open transactions, so exhaustion does not depend on machine speed: nothing
 * can get a connection until the test lets go.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/generated/prisma/client";
import { isDatabaseBusy } from "@/server/db/pool-errors";

const POOL_SIZE = 2;
const smallPool = (connectionTimeoutMillis: number) =>
  new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL!, max: POOL_SIZE, connectionTimeoutMillis }) });

const appDb = smallPool(300);
(globalThis as { prisma?: PrismaClient }).prisma = appDb; // src/server/db/client.ts reuses it

/** Opens POOL_SIZE transactions that each hold a connection until the returned function is called. */
async function holdEveryConnection(db: PrismaClient): Promise<() => Promise<void>> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const acquired: Promise<void>[] = [];
  const holders = Array.from({ length: POOL_SIZE }, () => {
    let ready!: () => void;
    acquired.push(new Promise<void>((r) => (ready = r)));
    return db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        ready();
        await released;
      },
      { timeout: 60_000, maxWait: 60_000 },
    );
  });
  await Promise.all(acquired);
  return async () => {
    release();
    await Promise.all(holders);
  };
}

type Api = typeof import("../helpers/api-requests");
type AuthHelpers = typeof import("../helpers/auth");
let api: Api;
let user: Awaited<ReturnType<AuthHelpers["signUpAndSignIn"]>>;

beforeAll(async () => {
  api = await import("../helpers/api-requests");
  const { signUpAndSignIn } = await import("../helpers/auth");
  const { prisma } = await import("@/server/db/client");
  expect(prisma).toBe(appDb);
  user = await signUpAndSignIn({ name: "Busy" });
});

afterAll(async () => {
  await appDb.$disconnect();
});

describe("the error shapes of an exhausted pool", () => {
  it("P2028 when a transaction waits past maxWait, pg-pool's timeout for any other query: both busy", async () => {
    const db = smallPool(0); // pg waits forever: only Prisma's maxWait can end the wait
    const release = await holdEveryConnection(db);
    const p2028 = await db.$transaction(async (tx) => tx.$queryRaw`SELECT 1`, { maxWait: 50 }).catch((e: unknown) => e);
    await release();
    await db.$disconnect();
    expect(p2028).toMatchObject({ code: "P2028" });
    expect(isDatabaseBusy(p2028)).toBe(true);

    const release2 = await holdEveryConnection(appDb);
    const timeout = await appDb.user.count().catch((e: unknown) => e);
    const txTimeout = await appDb.$transaction(async (tx) => tx.user.count()).catch((e: unknown) => e);
    await release2();
    expect(timeout).toMatchObject({ message: "timeout exceeded when trying to connect" });
    expect(isDatabaseBusy(timeout)).toBe(true);
    expect(isDatabaseBusy(txTimeout)).toBe(true);
    expect(isDatabaseBusy(new Error("something else"))).toBe(false);
    expect(isDatabaseBusy({ code: "P2028" })).toBe(false); // only real errors
  });
});

describe("answers while every connection is held", () => {
  it("tRPC: 503 with Retry-After for a query, a mutation and a batch; then the same requests work", async () => {
    const cookie = user.headers.get("cookie") ?? "";
    const requests = () => [
      api.trpcRequest("/api/trpc/tenants.current", { headers: { cookie } }),
      api.trpcRequest("/api/trpc/projects.create", { headers: api.sameOrigin(user.headers), body: api.trpcInput({ name: "Busy project" }) }),
      api.trpcRequest("/api/trpc/tenants.current,projects.list?batch=1", { headers: { cookie } }),
    ];
    const release = await holdEveryConnection(appDb);
    const busy = await Promise.all(requests());
    await release();
    for (const res of busy) {
      expect.soft(res.status, await res.clone().text()).toBe(503);
      expect.soft(res.headers.get("retry-after")).toMatch(/^\d+$/);
      expect.soft(res.headers.get("cache-control")).toBe("no-store");
      expect.soft(await res.text()).toContain("SERVICE_UNAVAILABLE");
    }
    const after = await Promise.all(requests());
    expect(after.map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it("tRPC procedures: a busy database inside a procedure is SERVICE_UNAVAILABLE, not INTERNAL_SERVER_ERROR", async () => {
    const { createCaller } = await import("@/server/api/root");
    const { createTRPCContext } = await import("@/server/api/trpc");
    const { expectTRPCError } = await import("../helpers/trpc-errors");
    // The session is resolved first; the procedure's own queries then find no connection.
    const caller = createCaller(await createTRPCContext({ headers: user.headers }));
    const release = await holdEveryConnection(appDb);
    const outcome = expectTRPCError(caller.projects.create({ name: "Busy" }), "SERVICE_UNAVAILABLE");
    await outcome.finally(release);
  });

  it("auth: 503 with Retry-After for get-session and sign-in", async () => {
    const release = await holdEveryConnection(appDb);
    const busy = await Promise.all([
      api.authRequest("/api/auth/get-session", { headers: { cookie: user.headers.get("cookie") ?? "" } }),
      api.authRequest("/api/auth/sign-in/email", { headers: { origin: api.APP_ORIGIN }, body: { email: user.email, password: user.password } }),
    ]);
    await release();
    for (const res of busy) {
      expect.soft(res.status, await res.clone().text()).toBe(503);
      expect.soft(res.headers.get("retry-after")).toMatch(/^\d+$/);
    }
    const session = await api.authRequest("/api/auth/get-session", { headers: { cookie: user.headers.get("cookie") ?? "" } });
    expect((await session.json()).user.email).toBe(user.email);
  });
});
