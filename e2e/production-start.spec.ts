import { spawn } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";

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
