// npm run bench:usage — usage metering under load, on a fresh "saas_bench" database (on DATABASE_URL's
// server, or the embedded PostgreSQL `npm run dev` uses). Machines here are noisy: every number is printed
// next to a baseline measured in the same run, and the ratio is what to compare across runs.
//
// 1. Ingest throughput through the real tRPC HTTP endpoint (the app's own route handler on a node:http
//    server: session cookie auth, zod validation, rate limit, idempotency, entitlement) — single events and
//    batches of 1,000 — against raw INSERTs of the same rows into usage_events.
// 2. checkEntitlement latency p50/p99, cached and uncached.
// 3. 50 concurrent credit consumers against a balance of 10: throughput, and exactly 10 winners.
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import superjson from "superjson";
import { withDatabase } from "@/server/db/database-url";
import { applyMigrations } from "@/server/db/migrate";
import { runCli } from "./lib/cli";
import { openDatabase } from "./lib/database";

const BENCH_DB = "saas_bench";
// Below the "usage" rate limit (600 requests a minute per member): the limiter runs on every call but never refuses.
const SINGLE_EVENTS = Number(process.env.BENCH_SINGLE ?? 500);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 10);
const BATCH_SIZE = 1_000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

const fmt = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 0 });
const ms = (n: number) => `${n.toFixed(2)} ms`;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function inParallel<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function recreate(serverUrl: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${BENCH_DB}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, BENCH_DB);
  await applyMigrations(url);
  return url;
}

/** The app's route handlers (tRPC and Better Auth) behind a plain HTTP server on loopback. */
async function serveApp(): Promise<{ url: string; close: () => Promise<void> }> {
  const trpc = await import("@/app/api/trpc/[trpc]/route");
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
    });
    const response = await trpc.POST(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function main(): Promise<number> {
  const database = await openDatabase({ embedded: "reuse", log: (line) => console.log(line) });
  try {
    const url = await recreate(withDatabase(database.url, "postgres"));
    process.env.DATABASE_URL = url;
    const { prisma } = await import("@/server/db/client");
    const { getAuth } = await import("@/server/auth");
    const { createCaller } = await import("@/server/api/root");
    const { createTRPCContext } = await import("@/server/api/trpc");
    const { checkEntitlement, entitlementCacheStats } = await import("@/server/domain/usage/entitlements");
    const { consumeCredits } = await import("@/server/domain/credits/ledger");
    const { inTransaction } = await import("@/server/db/transaction");
    const { aggregateUsage } = await import("@/server/domain/usage/aggregate");

    // A signed-in owner of a Business workspace (the highest limits: the bench measures the path, not a block).
    const email = `bench-${randomUUID().slice(0, 8)}@example.com`;
    const password = "bench-password-123";
    const anonymous = createCaller(await createTRPCContext({ headers: new Headers(), session: null }));
    await anonymous.me.signUp({ name: "Bench", email, password, consents: { terms: true, marketingEmails: false }, locale: "en" });
    const user = await prisma.user.update({ where: { email }, data: { emailVerified: true } });
    const member = await prisma.tenantMember.findFirstOrThrow({ where: { userId: user.id } });
    const tenantId = member.tenantId;
    await prisma.tenant.update({ where: { id: tenantId }, data: { plan: "business", billingState: "active" } });
    const { headers } = await getAuth().api.signInEmail({ body: { email, password }, returnHeaders: true });
    const cookie = headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    await prisma.rateLimitBucket.deleteMany();

    const app = await serveApp();
    const call = async (procedure: string, input: unknown) => {
      const res = await fetch(`${app.url}/api/trpc/${procedure}`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: JSON.stringify(superjson.serialize(input)),
      });
      if (!res.ok) throw new Error(`${procedure} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    };
    const event = (key: string) => ({ metric: "api_calls" as const, units: 1, idempotencyKey: key });

    console.log(`\nusage ingest (${SINGLE_EVENTS} single events, ${BATCHES} batches of ${BATCH_SIZE}; concurrency ${CONCURRENCY})`);
    // Raw INSERT baseline: the same rows, one statement per event / per batch, no app code at all.
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    const insert = (rows: string[]) =>
      raw.query(
        `INSERT INTO usage_events (id, tenant_id, idempotency_key, metric, units, actor_user_id, actor_type, occurred_at)
         SELECT gen_random_uuid()::text, $1, k, 'api_calls', 1, $2, 'member', now() FROM unnest($3::text[]) AS k`,
        [tenantId, user.id, rows],
      );
    let t = performance.now();
    await inParallel(Array.from({ length: SINGLE_EVENTS }, (_, i) => `raw-single-${i}`), 1, (k) => insert([k]).then(() => undefined));
    const rawSingle = SINGLE_EVENTS / ((performance.now() - t) / 1000);
    t = performance.now();
    for (let b = 0; b < BATCHES; b++) await insert(Array.from({ length: BATCH_SIZE }, (_, i) => `raw-batch-${b}-${i}`));
    const rawBatch = (BATCHES * BATCH_SIZE) / ((performance.now() - t) / 1000);
    await raw.end();
    // The usage.aggregate job (every 5 minutes) has summed the month so far, as it would have in production:
    // the binding check then adds up only the events since its last run.
    await aggregateUsage(prisma, { now: new Date(Date.now() + 2 * 60_000) });

    t = performance.now();
    await inParallel(Array.from({ length: SINGLE_EVENTS }, (_, i) => `http-single-${i}`), CONCURRENCY, async (k) => {
      await call("usage.ingest", event(k));
    });
    const httpSingle = SINGLE_EVENTS / ((performance.now() - t) / 1000);
    await prisma.rateLimitBucket.deleteMany();
    t = performance.now();
    for (let b = 0; b < BATCHES; b++) {
      await call("usage.ingestBatch", { events: Array.from({ length: BATCH_SIZE }, (_, i) => event(`http-batch-${b}-${i}`)) });
    }
    const httpBatch = (BATCHES * BATCH_SIZE) / ((performance.now() - t) / 1000);
    // Idempotency under load: a replayed batch counts nothing.
    await call("usage.ingestBatch", { events: Array.from({ length: BATCH_SIZE }, (_, i) => event(`http-batch-0-${i}`)) });
    const counted = await prisma.usageEvent.count({ where: { tenantId, idempotencyKey: { startsWith: "http-" } } });
    if (counted !== SINGLE_EVENTS + BATCHES * BATCH_SIZE) throw new Error(`expected ${SINGLE_EVENTS + BATCHES * BATCH_SIZE} events, found ${counted}`);
    await app.close();

    console.log(`  raw INSERT, one per event     ${fmt(rawSingle).padStart(8)} events/s   (baseline, 1 connection)`);
    console.log(`  tRPC usage.ingest over HTTP   ${fmt(httpSingle).padStart(8)} events/s   ratio ${(httpSingle / rawSingle).toFixed(2)}x of raw single`);
    console.log(`  raw INSERT, 1,000 per insert  ${fmt(rawBatch).padStart(8)} events/s   (baseline)`);
    console.log(`  tRPC usage.ingestBatch        ${fmt(httpBatch).padStart(8)} events/s   ratio ${(httpBatch / rawBatch).toFixed(2)}x of raw batch`);
    console.log(`  replayed batch of ${BATCH_SIZE}: counted once (${fmt(counted)} events stored)`);

    console.log("\ncheckEntitlement latency (api_calls, 1 unit; 2,000 calls each)");
    const tenant = { id: tenantId, plan: "business" };
    const time = async (fn: () => Promise<unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < 2_000; i++) {
        const start = performance.now();
        await fn();
        samples.push(performance.now() - start);
      }
      return samples;
    };
    const uncached = await time(() => checkEntitlement(prisma, { tenant, metric: "api_calls", units: 1, cache: false }));
    const before = entitlementCacheStats();
    const cached = await time(() => checkEntitlement(prisma, { tenant, metric: "api_calls", units: 1 }));
    const after = entitlementCacheStats();
    const hitRate = (after.hits - before.hits) / (after.hits - before.hits + after.misses - before.misses);
    console.log(`  uncached  p50 ${ms(percentile(uncached, 50))}  p99 ${ms(percentile(uncached, 99))}`);
    console.log(
      `  cached    p50 ${ms(percentile(cached, 50))}  p99 ${ms(percentile(cached, 99))}   p50 ${(percentile(uncached, 50) / percentile(cached, 50)).toFixed(0)}x faster (hit rate ${(hitRate * 100).toFixed(1)}%: a 5 s TTL re-measures)`,
    );

    console.log("\ncredit consumption: 50 concurrent consumers of 1 credit, balance 10");
    await prisma.tenantCreditLedger.create({ data: { tenantId, kind: "grant", amount: 10, reference: `bench-grant-${randomUUID()}` } });
    t = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => inTransaction(prisma, (tx) => consumeCredits(tx, { tenantId, amount: 1, reference: `bench-${i}`, now: new Date() }))),
    );
    const elapsed = performance.now() - t;
    const won = results.filter((r) => r.status === "fulfilled").length;
    const balance = (await prisma.tenantCreditLedger.aggregate({ where: { tenantId }, _sum: { amount: true } }))._sum.amount;
    console.log(`  ${won} succeeded, ${50 - won} refused, balance ${balance}, ${ms(elapsed)} for all 50 (${fmt(50 / (elapsed / 1000))} attempts/s)`);
    await prisma.$disconnect();
    if (won !== 10 || balance !== 0) throw new Error(`credit race: expected exactly 10 winners and balance 0, got ${won} and ${balance}`);
    return 0;
  } finally {
    await database.stop();
  }
}

runCli("bench:usage", main);
