/**
 * Contract tests for src/server/providers/payments/dodo.ts: the real `dodopayments` SDK, pointed (baseURL)
 * at a local fake HTTP server on 127.0.0.1, must send the requests Dodo documents (method, path, bearer
 * auth, body / query shapes), and its failures must come out as PaymentProviderError with the right
 * `retryable` flag. No network, no database.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { createDodoPaymentProvider } from "@/server/providers/payments/dodo";
import { PaymentProviderError, type PaymentProvider, type UsageEvent } from "@/server/providers/payments/types";

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}
interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const API_KEY = "test_key_123";
let server: http.Server;
let baseURL: string;
let seen: Seen[] = [];
/** Per "METHOD /path" a queue of replies; when empty, the default for the route. */
let queued: Map<string, Reply[]> = new Map();

function defaultReply(method: string, path: string, body: unknown): Reply {
  if (method === "POST" && path === "/checkouts") {
    return { status: 200, body: { session_id: "cks_1", checkout_url: "https://test.checkout.dodopayments.com/session/cks_1" } };
  }
  if (method === "POST" && path === "/customers") {
    return {
      status: 200,
      body: { customer_id: "cus_1", business_id: "bus_1", created_at: "2026-01-01T00:00:00Z", email: "a@b.c", name: "A" },
    };
  }
  if (method === "GET" && path === "/customers") return { status: 200, body: { items: [] } };
  if (method === "POST" && /^\/customers\/[^/]+\/customer-portal\/session$/.test(path)) {
    return { status: 200, body: { link: "https://test.customer.dodopayments.com/portal/abc" } };
  }
  if (method === "POST" && /^\/subscriptions\/[^/]+\/change-plan$/.test(path)) return { status: 200, body: {} };
  if (method === "PATCH" && /^\/subscriptions\/[^/]+$/.test(path)) {
    return { status: 200, body: { subscription_id: path.split("/")[2], cancel_at_next_billing_date: true } };
  }
  if (method === "POST" && path === "/events/ingest") {
    const events = (body as { events?: unknown[] } | null)?.events ?? [];
    return { status: 200, body: { ingested_count: events.length } };
  }
  return { status: 404, body: { code: "NOT_FOUND", message: `no route ${method} ${path}` } };
}

function queue(route: string, ...replies: Reply[]) {
  queued.set(route, [...(queued.get(route) ?? []), ...replies]);
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const text = Buffer.concat(chunks).toString("utf8");
      const body: unknown = text ? JSON.parse(text) : null;
      seen.push({ method: req.method ?? "", path: url.pathname, query: url.searchParams, headers: req.headers, body });
      const route = `${req.method} ${url.pathname}`;
      const reply = queued.get(route)?.shift() ?? defaultReply(req.method ?? "", url.pathname, body);
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen = [];
  queued = new Map();
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

function provider(extra: { maxRetries?: number } = {}): PaymentProvider {
  return createDodoPaymentProvider({ apiKey: API_KEY, environment: "test_mode", baseURL, maxRetries: extra.maxRetries ?? 0, timeoutMs: 5_000 });
}

function only(): Seen {
  expect(seen).toHaveLength(1);
  return seen[0]!;
}

function expectAuth(s: Seen) {
  expect(s.headers.authorization).toBe(`Bearer ${API_KEY}`);
}

describe("createCheckout", () => {
  it("subscription for a new customer: POST /checkouts with product_cart, customer, return_url, metadata, trial", async () => {
    const result = await provider().createCheckout({
      kind: "subscription",
      productId: "pdt_pro_monthly",
      quantity: 3,
      customer: { email: "owner@acme.test", name: "Ada Owner" },
      returnUrl: "http://localhost:3000/billing?checkout=done",
      metadata: { tenantId: "ten_1", checkoutId: "chk_1" },
      trialPeriodDays: 14,
      idempotencyKey: "chk_1",
    });
    expect(result).toEqual({ sessionId: "cks_1", checkoutUrl: "https://test.checkout.dodopayments.com/session/cks_1" });
    const s = only();
    expect(s.method).toBe("POST");
    expect(s.path).toBe("/checkouts");
    expectAuth(s);
    expect(s.headers["content-type"]).toContain("application/json");
    expect(s.body).toEqual({
      product_cart: [{ product_id: "pdt_pro_monthly", quantity: 3 }],
      customer: { email: "owner@acme.test", name: "Ada Owner" },
      return_url: "http://localhost:3000/billing?checkout=done",
      metadata: { tenantId: "ten_1", checkoutId: "chk_1" },
      subscription_data: { trial_period_days: 14 },
    });
  });

  it("top-up for an existing customer: customer_id, no subscription_data even if a trial is passed", async () => {
    await provider().createCheckout({
      kind: "topup",
      productId: "pdt_credits_1000",
      quantity: 2,
      customer: { customerId: "cus_42" },
      returnUrl: "http://localhost:3000/billing",
      metadata: { tenantId: "ten_2", pack: "credits_1000" },
      trialPeriodDays: 7,
    });
    const s = only();
    expect(s.method).toBe("POST");
    expect(s.path).toBe("/checkouts");
    expectAuth(s);
    expect(s.body).toEqual({
      product_cart: [{ product_id: "pdt_credits_1000", quantity: 2 }],
      customer: { customer_id: "cus_42" },
      return_url: "http://localhost:3000/billing",
      metadata: { tenantId: "ten_2", pack: "credits_1000" },
    });
  });

  it("a session without checkout_url is an error, not an empty URL", async () => {
    queue("POST /checkouts", { status: 200, body: { session_id: "cks_2", checkout_url: null } });
    const err = await provider()
      .createCheckout({ kind: "topup", productId: "p", quantity: 1, customer: { customerId: "c" }, returnUrl: "http://x", metadata: {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaymentProviderError);
    expect((err as PaymentProviderError).retryable).toBe(false);
  });

  it("rejects a non-positive quantity before any request", async () => {
    await expect(
      provider().createCheckout({ kind: "topup", productId: "p", quantity: 0, customer: { customerId: "c" }, returnUrl: "http://x", metadata: {} }),
    ).rejects.toBeInstanceOf(PaymentProviderError);
    expect(seen).toHaveLength(0);
  });
});

describe("customers and portal", () => {
  it("createCustomer: POST /customers with email, name, metadata", async () => {
    const result = await provider().createCustomer({ email: "owner@acme.test", name: "Acme", metadata: { tenantId: "ten_1" } });
    expect(result).toEqual({ customerId: "cus_1" });
    const s = only();
    expect(s.method).toBe("POST");
    expect(s.path).toBe("/customers");
    expectAuth(s);
    expect(s.body).toEqual({ email: "owner@acme.test", name: "Acme", metadata: { tenantId: "ten_1" } });
  });

  it("createCustomer with a key: looks for a customer of that email carrying it, none: POST with the key in the metadata", async () => {
    const result = await provider().createCustomer({ email: "owner@acme.test", name: "Acme", metadata: { tenantId: "ten_1" }, idempotencyKey: "key_1" });
    expect(result).toEqual({ customerId: "cus_1" });
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(["GET /customers", "POST /customers"]);
    expect(seen[0]!.query.get("email")).toBe("owner@acme.test");
    expect(seen[1]!.body).toEqual({ email: "owner@acme.test", name: "Acme", metadata: { tenantId: "ten_1", idempotencyKey: "key_1" } });
  });

  it("createCustomer with a key Dodo already has a customer for (a resumed call): that customer, no second one", async () => {
    const customer = (id: string, metadata: Record<string, string>) => ({
      customer_id: id,
      business_id: "bus_1",
      created_at: "2026-01-01T00:00:00Z",
      email: "owner@acme.test",
      name: "Acme",
      metadata,
    });
    queue("GET /customers", {
      status: 200,
      body: { items: [customer("cus_other", { tenantId: "ten_2", idempotencyKey: "key_2" }), customer("cus_mine", { tenantId: "ten_1", idempotencyKey: "key_1" })] },
    });
    const result = await provider().createCustomer({ email: "owner@acme.test", name: "Acme", metadata: { tenantId: "ten_1" }, idempotencyKey: "key_1" });
    expect(result).toEqual({ customerId: "cus_mine" });
    expect(only().method).toBe("GET");
  });

  it("portalLink: POST /customers/{id}/customer-portal/session with return_url as a query parameter", async () => {
    const result = await provider().portalLink("cus_42", "http://localhost:3000/billing");
    expect(result).toEqual({ url: "https://test.customer.dodopayments.com/portal/abc" });
    const s = only();
    expect(s.method).toBe("POST");
    expect(s.path).toBe("/customers/cus_42/customer-portal/session");
    expect(s.query.get("return_url")).toBe("http://localhost:3000/billing");
    expectAuth(s);
  });
});

describe("subscriptions", () => {
  it("changePlan: POST /subscriptions/{id}/change-plan with product_id, quantity, proration_billing_mode", async () => {
    await provider().changePlan("sub_7", { productId: "pdt_business_yearly", quantity: 5, proration: "prorated_immediately" });
    const s = only();
    expect(s.method).toBe("POST");
    expect(s.path).toBe("/subscriptions/sub_7/change-plan");
    expectAuth(s);
    expect(s.body).toEqual({ product_id: "pdt_business_yearly", quantity: 5, proration_billing_mode: "prorated_immediately" });
  });

  it("cancelAtPeriodEnd: PATCH /subscriptions/{id} with cancel_at_next_billing_date true (not status cancelled)", async () => {
    await provider().cancelAtPeriodEnd("sub_7");
    const s = only();
    expect(s.method).toBe("PATCH");
    expect(s.path).toBe("/subscriptions/sub_7");
    expectAuth(s);
    expect(s.body).toEqual({ cancel_at_next_billing_date: true });
  });
});

describe("reportUsage", () => {
  const now = () => Date.now();
  const event = (i: number, timestamp = new Date(now() - 60_000)): UsageEvent => ({
    eventId: `evt_${i}`,
    customerId: "cus_42",
    eventName: "api_request",
    timestamp,
    metadata: { tokens: i, endpoint: "/v1/x" },
  });

  it("POST /events/ingest with event_id, customer_id, event_name, ISO timestamp, metadata", async () => {
    const ts = new Date(now() - 10 * 60_000);
    const result = await provider().reportUsage([event(1, ts)]);
    expect(result).toEqual({ ingested: 1 });
    const s = only();
    expect(s.method).toBe("POST");
    expect(s.path).toBe("/events/ingest");
    expectAuth(s);
    expect(s.body).toEqual({
      events: [{ event_id: "evt_1", customer_id: "cus_42", event_name: "api_request", timestamp: ts.toISOString(), metadata: { tokens: 1, endpoint: "/v1/x" } }],
    });
  });

  it("splits 1500 events into two calls of 1000 and 500, in order", async () => {
    const events = Array.from({ length: 1500 }, (_, i) => event(i));
    const result = await provider().reportUsage(events);
    expect(result).toEqual({ ingested: 1500 });
    expect(seen).toHaveLength(2);
    const [a, b] = seen.map((s) => (s.body as { events: { event_id: string }[] }).events);
    expect(a).toHaveLength(1000);
    expect(b).toHaveLength(500);
    expect(a![0]!.event_id).toBe("evt_0");
    expect(b![0]!.event_id).toBe("evt_1000");
    expect(b![499]!.event_id).toBe("evt_1499");
  });

  it("sends a repeated event id once (a duplicate inside one request would fail the whole request)", async () => {
    await provider().reportUsage([event(1), event(2), event(1)]);
    const ids = (only().body as { events: { event_id: string }[] }).events.map((e) => e.event_id);
    expect(ids).toEqual(["evt_1", "evt_2"]);
  });

  it("rejects an event older than 1 hour before any request, even if other events are fine", async () => {
    const events = [event(1), event(2, new Date(now() - 61 * 60_000))];
    const err = await provider().reportUsage(events).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaymentProviderError);
    expect((err as PaymentProviderError).retryable).toBe(false);
    expect((err as Error).message).toContain("evt_2");
    expect(seen).toHaveLength(0);
  });

  it("rejects an event more than 5 minutes in the future before any request (also in a later batch)", async () => {
    const events = Array.from({ length: 1200 }, (_, i) => event(i));
    events[1100] = event(1100, new Date(now() + 6 * 60_000));
    await expect(provider().reportUsage(events)).rejects.toBeInstanceOf(PaymentProviderError);
    expect(seen).toHaveLength(0);
  });

  it("accepts timestamps just inside the window", async () => {
    await provider().reportUsage([event(1, new Date(now() - 59 * 60_000)), event(2, new Date(now() + 4 * 60_000))]);
    expect(seen).toHaveLength(1);
  });

  it("no events: no request", async () => {
    expect(await provider().reportUsage([])).toEqual({ ingested: 0 });
    expect(seen).toHaveLength(0);
  });
});

describe("errors", () => {
  it("a 5xx is retried by the SDK (maxRetries 2 -> 3 requests) and then surfaces as a retryable error", async () => {
    const fail: Reply = { status: 503, body: { code: "UNAVAILABLE", message: "try later" }, headers: { "retry-after-ms": "5" } };
    queue("POST /customers", fail, fail, fail);
    const err = await provider({ maxRetries: 2 })
      .createCustomer({ email: "a@b.c", name: "A", metadata: {} })
      .catch((e: unknown) => e);
    expect(seen).toHaveLength(3);
    expect(seen.every((s) => s.method === "POST" && s.path === "/customers")).toBe(true);
    expect(err).toBeInstanceOf(PaymentProviderError);
    const e = err as PaymentProviderError;
    expect(e.retryable).toBe(true);
    expect(e.status).toBe(503);
    expect(e.provider).toBe("dodo");
    expect(e.message).toContain("customer");
  });

  it("a 5xx followed by success within the retries succeeds", async () => {
    queue("POST /subscriptions/sub_1/change-plan", { status: 500, body: { message: "boom" }, headers: { "retry-after-ms": "5" } });
    await provider({ maxRetries: 2 }).changePlan("sub_1", { productId: "p", quantity: 1, proration: "do_not_bill" });
    expect(seen).toHaveLength(2);
  });

  it("a 429 is retryable", async () => {
    const limited: Reply = { status: 429, body: { message: "slow down" }, headers: { "retry-after-ms": "5" } };
    queue("PATCH /subscriptions/sub_1", limited, limited);
    const err = await provider({ maxRetries: 1 }).cancelAtPeriodEnd("sub_1").catch((e: unknown) => e);
    expect(seen).toHaveLength(2);
    expect((err as PaymentProviderError).retryable).toBe(true);
    expect((err as PaymentProviderError).status).toBe(429);
  });

  it("a 4xx is not retried and not retryable, with the status", async () => {
    queue("POST /checkouts", { status: 422, body: { code: "INVALID_PRODUCT", message: "product not found" } });
    const err = await provider({ maxRetries: 2 })
      .createCheckout({ kind: "subscription", productId: "nope", quantity: 1, customer: { customerId: "c" }, returnUrl: "http://x", metadata: {} })
      .catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(err).toBeInstanceOf(PaymentProviderError);
    expect((err as PaymentProviderError).retryable).toBe(false);
    expect((err as PaymentProviderError).status).toBe(422);
  });

  it("a 401 (bad key) is not retryable", async () => {
    queue("POST /customers/cus_1/customer-portal/session", { status: 401, body: { message: "unauthorized" } });
    const err = await provider().portalLink("cus_1", "http://x").catch((e: unknown) => e);
    expect((err as PaymentProviderError).retryable).toBe(false);
    expect((err as PaymentProviderError).status).toBe(401);
  });

  it("a connection error is retryable, with no status", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const p = createDodoPaymentProvider({ apiKey: API_KEY, environment: "test_mode", baseURL: `http://127.0.0.1:${port}`, maxRetries: 0 });
    const err = await p.createCustomer({ email: "a@b.c", name: "A", metadata: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaymentProviderError);
    expect((err as PaymentProviderError).retryable).toBe(true);
    expect((err as PaymentProviderError).status).toBeUndefined();
  });
});

describe("configuration", () => {
  it("without baseURL it talks to the test host for test_mode, ignoring DODO_PAYMENTS_BASE_URL / API key env", async () => {
    vi.stubEnv("DODO_PAYMENTS_BASE_URL", "http://127.0.0.1:1");
    vi.stubEnv("DODO_PAYMENTS_API_KEY", "env_key_should_not_be_used");
    const urls: string[] = [];
    const auths: (string | null)[] = [];
    vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
      urls.push(String(input));
      auths.push(new Headers(init?.headers).get("authorization"));
      return new Response(JSON.stringify({ customer_id: "cus_9" }), { status: 200, headers: { "content-type": "application/json" } });
    });
    const p = createDodoPaymentProvider({ apiKey: API_KEY, environment: "test_mode", maxRetries: 0 });
    expect(await p.createCustomer({ email: "a@b.c", name: "A", metadata: {} })).toEqual({ customerId: "cus_9" });
    expect(urls).toEqual(["https://test.dodopayments.com/customers"]);
    expect(auths).toEqual([`Bearer ${API_KEY}`]);
  });

  it("live_mode goes to the live host only when asked for", async () => {
    const urls: string[] = [];
    vi.stubGlobal("fetch", async (input: RequestInfo | URL) => {
      urls.push(String(input));
      return new Response(JSON.stringify({ link: "https://x" }), { status: 200, headers: { "content-type": "application/json" } });
    });
    await createDodoPaymentProvider({ apiKey: API_KEY, environment: "live_mode", maxRetries: 0 }).portalLink("cus_1", "http://r");
    expect(urls[0]).toMatch(/^https:\/\/live\.dodopayments\.com\/customers\/cus_1\/customer-portal\/session\?/);
  });

  it("refuses an environment other than test_mode / live_mode (no silent live default)", () => {
    expect(() =>
      createDodoPaymentProvider({ apiKey: API_KEY, environment: undefined as unknown as "test_mode" }),
    ).toThrow(/test_mode/);
    expect(() => createDodoPaymentProvider({ apiKey: API_KEY, environment: "sandbox" as unknown as "test_mode" })).toThrow();
  });

  it("constructs lazily: a missing key fails on the first call as a non-retryable error, not at construction", async () => {
    const p = createDodoPaymentProvider({ apiKey: "", environment: "test_mode", baseURL });
    const err = await p.cancelAtPeriodEnd("sub_1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaymentProviderError);
    expect((err as PaymentProviderError).retryable).toBe(false);
    expect(seen).toHaveLength(0);
  });
});
