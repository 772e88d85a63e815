/**
 * Malformed or oversized input to the API routes is a 4xx, never a 500 (security issue, finding 4):
 * body and URL sizes, field lengths on the auth routes, malformed paths, tRPC batch size, notification
 * idempotency keys; and magic links go only to existing accounts.
 */
import { randomBytes } from "node:crypto";
import superjson from "superjson";
import { beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "@/server/api/root";
import { DB_POOL_SIZE, prisma } from "@/server/db/client";
import { notify } from "@/server/domain/notifications/notify";
import { USAGE_BATCH_MAX_EVENTS } from "@/server/domain/usage/record-usage";
import { AUTH_REQUEST_LIMITS, MAX_URL_LENGTH, TRPC_REQUEST_LIMITS } from "@/server/http/request-limits";
import { TRPC_MAX_BATCH_SIZE } from "@/trpc/batch";
import { authRequest, sameOrigin, trpcInput, trpcRequest } from "../helpers/api-requests";
import { signUpAndSignIn, uniqueEmail, type SignedInUser } from "../helpers/auth";
import { drainJobs } from "../helpers/jobs";
import { listProcedures } from "../helpers/procedures";

const MEGABYTE = "m".repeat(1_000_000);
const JSON_HEADERS = { "content-type": "application/json" };

let owner: SignedInUser;
beforeAll(async () => {
  owner = await signUpAndSignIn({ name: "Limits" });
});

/** Status and body, failing loudly on a 5xx so the message shows what broke. */
async function outcome(res: Response) {
  const text = await res.text();
  if (res.status >= 500) throw new Error(`${res.status}: ${text.slice(0, 300)}`);
  return { status: res.status, text };
}

describe("magic links", () => {
  it("answers a 3,000-character address with 400 and queues nothing (it was a 500: the key overflowed a btree index)", async () => {
    const email = `${randomBytes(1500).toString("hex")}@example.com`;
    const res = await outcome(await authRequest("/api/auth/sign-in/magic-link", { body: { email } }));
    expect(res.status).toBe(400);
    expect(await prisma.notificationOutbox.count({ where: { recipient: email.toLowerCase() } })).toBe(0);
  });

  it("gives an unknown address the same answer as a known one, and mails only the known one", async () => {
    const unknown = uniqueEmail("nobody");
    const known = await authRequest("/api/auth/sign-in/magic-link", { body: { email: owner.email } });
    const stranger = await authRequest("/api/auth/sign-in/magic-link", { body: { email: unknown } });
    expect(stranger.status).toBe(known.status);
    expect(await stranger.text()).toBe(await known.text());
    await drainJobs(prisma);
    expect(await prisma.notificationOutbox.count({ where: { recipient: owner.email, event: "auth.magic-link" } })).toBe(1);
    expect(await prisma.notificationOutbox.count({ where: { recipient: unknown } })).toBe(0);
    expect(await prisma.devMailboxMessage.count({ where: { to: unknown } })).toBe(0);
  });
});

describe("notification idempotency keys", () => {
  it("stores an overlong key bounded, and the same long key is still one message", async () => {
    const email = `${randomBytes(1500).toString("hex")}@example.com`; // notify itself takes any bare address
    const input = { event: "auth.magic-link", recipients: [{ email }], data: { url: "http://localhost:3000/x" }, idempotencyKey: `test:${"k".repeat(3000)}` } as const;
    const first = await notify(prisma, input);
    const again = await notify(prisma, input);
    expect(first.messages.map((m) => m.duplicate)).toEqual([false]);
    expect(again.messages.map((m) => m.duplicate)).toEqual([true]);
    const row = await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: first.messages[0]!.id } });
    expect(row.idempotencyKey.length).toBeLessThanOrEqual(200);
  });

  it("keeps short keys verbatim (rows written before the bound still match)", async () => {
    const { messages } = await notify(prisma, { event: "auth.magic-link", recipients: [{ email: "short@example.com" }], data: { url: "http://localhost:3000/x" }, idempotencyKey: "test:short" });
    const row = await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: messages[0]!.id } });
    expect(row.idempotencyKey).toBe("test:short:email:short@example.com");
  });
});

// The endpoints the app calls (src/components/auth, src/server/domain/identity) and their fields.
const AUTH_POSTS: Record<string, string[]> = {
  "/sign-in/email": ["email", "password", "callbackURL"],
  "/sign-in/magic-link": ["email", "callbackURL"],
  "/sign-up/email": ["email", "password", "name"],
  "/sign-out": ["anything"],
  "/request-password-reset": ["email", "redirectTo"],
  "/send-verification-email": ["email", "callbackURL"],
  "/reset-password": ["newPassword", "token"],
  "/two-factor/enable": ["password"],
  "/two-factor/verify-totp": ["code"],
};
const AUTH_GETS = ["/get-session", "/magic-link/verify", "/verify-email"];

describe("auth route: sizes and field lengths", () => {
  it("answers 413 to a 1 MB field on every endpoint the app uses, signed in or not", async () => {
    for (const [path, fields] of Object.entries(AUTH_POSTS)) {
      for (const field of fields) {
        for (const headers of [JSON_HEADERS, { ...JSON_HEADERS, ...sameOrigin(owner.headers) }]) {
          const res = await outcome(await authRequest(`/api/auth${path}`, { headers, body: { email: owner.email, [field]: MEGABYTE } }));
          expect.soft(res.status, `${path} ${field}`).toBe(413);
        }
      }
    }
  });

  it("answers 414 to a 1 MB query string on the GET endpoints", async () => {
    for (const path of AUTH_GETS) {
      const res = await outcome(await authRequest(`/api/auth${path}?token=${MEGABYTE}&callbackURL=/`, { headers: sameOrigin(owner.headers) }));
      expect.soft(res.status, path).toBe(414);
    }
  });

  it("answers 400 to an address over 254 characters and to any field over 4,096, under the body limit", async () => {
    const longEmail = `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.com`; // 259
    for (const [path, fields] of Object.entries(AUTH_POSTS)) {
      const res = await outcome(await authRequest(`/api/auth${path}`, { body: { email: longEmail } }));
      expect.soft(res.status, `${path} email`).toBe(400);
      for (const field of fields) {
        const res = await outcome(await authRequest(`/api/auth${path}`, { body: { email: owner.email, [field]: "x".repeat(10_000) } }));
        expect.soft(res.status, `${path} ${field}`).toBe(400);
      }
    }
  });

  it("refuses a body over the limit without a Content-Length (streamed) and a non-JSON body", async () => {
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(`{"email":"${"x".repeat(AUTH_REQUEST_LIMITS.maxBodyBytes)}"}`));
        c.close();
      },
    });
    const { POST } = await import("@/app/api/auth/[...all]/route");
    const streamed = new Request("http://localhost:3000/api/auth/sign-in/email", { method: "POST", headers: JSON_HEADERS, body: stream, duplex: "half" } as RequestInit);
    expect((await outcome(await POST(streamed))).status).toBe(413);
    const form = new FormData();
    form.set("email", owner.email);
    form.set("password", owner.password);
    expect((await outcome(await authRequest("/api/auth/sign-in/email", { body: form }))).status).toBe(415);
  });

  it("still signs in with a normal request", async () => {
    const res = await authRequest("/api/auth/sign-in/email", { body: { email: owner.email, password: owner.password } });
    expect(res.status).toBe(200);
  });
});

describe("tRPC route: sizes", () => {
  it("answers every procedure a 1 MB input with 4xx (413 as a POST body, 414 in a GET query)", async () => {
    for (const proc of listProcedures(appRouter)) {
      const input = { name: MEGABYTE, email: MEGABYTE, id: MEGABYTE };
      const res =
        proc.type === "mutation"
          ? await trpcRequest(`/api/trpc/${proc.path}`, { headers: sameOrigin(owner.headers), body: trpcInput(input) })
          : await trpcRequest(`/api/trpc/${proc.path}?input=${encodeURIComponent(JSON.stringify(trpcInput(input)))}`, { headers: sameOrigin(owner.headers) });
      const { status } = await outcome(res);
      expect.soft(status, proc.path).toBe(proc.type === "mutation" ? 413 : 414);
    }
  });

  it("accepts the largest legitimate body: usage.ingestBatch with 1,000 events and escaped 200-character keys", async () => {
    const key = (i: number) => `${'"\\'.repeat(100)}`.slice(0, 200 - String(i).length - 1) + `-${i}`;
    const events = Array.from({ length: USAGE_BATCH_MAX_EVENTS }, (_, i) => ({
      metric: "api_calls",
      units: 1,
      idempotencyKey: key(i),
      projectId: "01970000-0000-7000-8000-000000000000",
      occurredAt: new Date(),
    }));
    const body = superjson.serialize({ events });
    const bytes = Buffer.byteLength(JSON.stringify(body));
    expect(bytes).toBeGreaterThan(500_000);
    expect(bytes).toBeLessThan(TRPC_REQUEST_LIMITS.maxBodyBytes);
    const res = await outcome(await trpcRequest("/api/trpc/usage.ingestBatch", { headers: sameOrigin(owner.headers), body }));
    expect(res.status, res.text.slice(0, 300)).toBe(200);
  });

  it("answers a URL over the limit with 414", async () => {
    const res = await outcome(await trpcRequest(`/api/trpc/tenants.current?input=${"x".repeat(MAX_URL_LENGTH)}`, { headers: sameOrigin(owner.headers) }));
    expect(res.status).toBe(414);
  });
});

describe("malformed paths", () => {
  it("answers 400 on both routes, GET and POST (tRPC threw URIError: a 500)", async () => {
    for (const path of ["/api/trpc/%", "/api/trpc/projects.list%E0%A4%A", "/api/auth/%", "/api/auth/sign-in/%ZZ"]) {
      for (const method of ["GET", "POST"] as const) {
        const send = path.startsWith("/api/trpc") ? trpcRequest : authRequest;
        const res = await outcome(await send(path, { method, headers: { ...sameOrigin(owner.headers), ...JSON_HEADERS }, ...(method === "POST" ? { body: {} } : {}) }));
        expect.soft(res.status, `${method} ${path}`).toBe(400);
      }
    }
  });
});

describe("tRPC batches", () => {
  it("caps a batch at the database pool size", () => {
    expect(TRPC_MAX_BATCH_SIZE).toBeLessThanOrEqual(DB_POOL_SIZE);
  });

  it("refuses a batch of 100 mutations with 400 before running any (it was a 207 with pool timeouts)", async () => {
    const before = await prisma.project.count({ where: { tenantId: owner.tenantId } });
    const paths = Array.from({ length: 100 }, () => "projects.create").join(",");
    const inputs = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [i, trpcInput({ name: `Batch ${i}` })]));
    const res = await outcome(await trpcRequest(`/api/trpc/${paths}?batch=1`, { headers: sameOrigin(owner.headers), body: inputs }));
    expect(res.status).toBe(400);
    expect(res.text).toContain("Batch call exceeds maximum size");
    expect(await prisma.project.count({ where: { tenantId: owner.tenantId } })).toBe(before);
  });

  it("refuses a GET batch one over the cap, and serves a full batch of mutations without a 5xx", async () => {
    const over = Array.from({ length: TRPC_MAX_BATCH_SIZE + 1 }, () => "tenants.current").join(",");
    expect((await outcome(await trpcRequest(`/api/trpc/${over}?batch=1`, { headers: sameOrigin(owner.headers) }))).status).toBe(400);

    const paths = Array.from({ length: TRPC_MAX_BATCH_SIZE }, () => "usage.ingest").join(",");
    const inputs = Object.fromEntries(
      Array.from({ length: TRPC_MAX_BATCH_SIZE }, (_, i) => [i, trpcInput({ metric: "api_calls", units: 1, idempotencyKey: `full-batch-${i}` })]),
    );
    const res = await outcome(await trpcRequest(`/api/trpc/${paths}?batch=1`, { headers: sameOrigin(owner.headers), body: inputs }));
    const results = JSON.parse(res.text) as Array<{ result?: unknown; error?: unknown }>;
    expect(results).toHaveLength(TRPC_MAX_BATCH_SIZE);
    expect(results.filter((r) => r.error)).toEqual([]);
  });
});
