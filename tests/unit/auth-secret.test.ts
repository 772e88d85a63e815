/**
 * src/server/auth-secret.ts: the environment wins; production without it is an error; development
 * generates a secret once under <cwd>/.data/auth-secret and reuses it. The module resolves that path
 * from process.cwd() when it is loaded, so each case loads it fresh inside a temp working directory.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

type AuthSecretModule = typeof import("@/server/auth-secret");

const originalCwd = process.cwd();
let dir: string;

async function loadInTempCwd(): Promise<AuthSecretModule> {
  process.chdir(dir);
  vi.resetModules();
  return import("@/server/auth-secret");
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "saas-test-secret-"));
});
afterEach(() => {
  process.chdir(originalCwd);
  fs.rmSync(dir, { recursive: true, force: true });
});

const secretFile = () => path.join(dir, ".data/auth-secret");

describe("resolveAuthSecret", () => {
  it("returns BETTER_AUTH_SECRET when set, in any environment, and writes no file", async () => {
    const { resolveAuthSecret } = await loadInTempCwd();
    const secret = "s".repeat(40);
    expect(resolveAuthSecret({ BETTER_AUTH_SECRET: secret, NODE_ENV: "production" })).toBe(secret);
    expect(resolveAuthSecret({ BETTER_AUTH_SECRET: secret, NODE_ENV: "development" })).toBe(secret);
    expect(fs.existsSync(secretFile())).toBe(false);
  });

  it("throws MissingAuthSecretError in production without BETTER_AUTH_SECRET, and writes no file", async () => {
    const { resolveAuthSecret, MissingAuthSecretError } = await loadInTempCwd();
    expect(() => resolveAuthSecret({ NODE_ENV: "production" })).toThrow(MissingAuthSecretError);
    expect(() => resolveAuthSecret({ BETTER_AUTH_SECRET: "", NODE_ENV: "production" })).toThrow(/BETTER_AUTH_SECRET is not set/);
    expect(fs.existsSync(secretFile())).toBe(false);
  });

  it("in development generates a strong secret once, stores it 0600, and reuses it", async () => {
    const { resolveAuthSecret } = await loadInTempCwd();
    const first = resolveAuthSecret({ NODE_ENV: "development" });
    expect(Buffer.from(first, "base64")).toHaveLength(32);
    expect(fs.readFileSync(secretFile(), "utf8")).toBe(first);
    expect(fs.statSync(secretFile()).mode & 0o777).toBe(0o600);

    expect(resolveAuthSecret({ NODE_ENV: "development" })).toBe(first);
    expect(resolveAuthSecret({ NODE_ENV: "test" })).toBe(first);
    // A fresh process (module loaded again) reads the same file.
    const reloaded = await loadInTempCwd();
    expect(reloaded.resolveAuthSecret({ NODE_ENV: "development" })).toBe(first);
  });

  it("uses a secret another process wrote first", async () => {
    fs.mkdirSync(path.join(dir, ".data"), { recursive: true });
    fs.writeFileSync(secretFile(), "written-by-someone-else\n");
    const { resolveAuthSecret } = await loadInTempCwd();
    expect(resolveAuthSecret({ NODE_ENV: "development" })).toBe("written-by-someone-else");
  });
});
