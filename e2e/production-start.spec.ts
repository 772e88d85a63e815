import { spawn } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { e2eDatabaseUrl } from "./support/database";

test("a production server without BETTER_AUTH_SECRET refuses to start and says why", async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
  delete env.BETTER_AUTH_SECRET;
  // As `npm start` runs it (scripts/start.ts).
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("scripts/start.ts"), "-p", "3199"], { env });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(null);
    }, 30_000);
    child.on("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  expect(code).toBe(1);
  expect(output).toContain("BETTER_AUTH_SECRET is not set");
});

test("a production server bound to 127.0.0.1 serves default-locale pages instead of looping 307s", async () => {
  // As `npm start -- -H 127.0.0.1` runs it, on the e2e server's database. Next calls every loopback address
  // "localhost" in the proxy's URLs: given 127.0.0.1, the locale rewrite (/ -> /en) came back as next-intl's
  // 307 to "/" for ever (scripts/start.ts).
  const port = 3198;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: e2eDatabaseUrl(),
    BETTER_AUTH_SECRET: process.env.BETTER_AUTH_SECRET ?? "e2e-only-secret-0123456789abcdefghijklmnop",
  };
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("scripts/start.ts"), "-H", "127.0.0.1", "-p", String(port)], { env });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  try {
    await expect.poll(() => output, { timeout: 60_000 }).toContain("Ready on http://127.0.0.1");
    const get = (pathname: string) => fetch(`http://127.0.0.1:${port}${pathname}`, { redirect: "manual", signal: AbortSignal.timeout(60_000) });
    for (const pathname of ["/", "/sign-in", "/pricing"]) {
      const res = await get(pathname);
      expect(res.status, `${pathname}: ${res.headers.get("location") ?? ""}`).toBe(200);
    }
    // The default locale's prefixed URL still redirects once, to the page that is then served.
    const prefixed = await get("/en/sign-in");
    expect(prefixed.status).toBe(307);
    expect(prefixed.headers.get("location")).toBe("/sign-in");
    expect((await get("/de/sign-in")).status).toBe(200);
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
});
