/** The launcher's small parts: what it prints about a database, how it reads next's args, its lock file. */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { formatFailure, LauncherError } from "../../scripts/lib/cli";
import { describeDatabaseUrl, redactDatabaseUrl } from "../../scripts/lib/database";
import { nextDevArgs } from "../../scripts/lib/next";
import { clearStaleLauncher, descendantsOf, isAlive, readLock, removeLock, waitForExit, writeLock } from "../../scripts/lib/processes";
import { EmbeddedDatabaseError } from "@/server/db/embedded";
import { MigrationError } from "@/server/db/migrate";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanups.splice(0).reverse()) fn();
});

function tempDir(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "launcher-lib-")));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const KEEP_ALIVE = "setInterval(() => {}, 1000)";
/** Like next dev and its next-server worker: a parent that starts a child of its own. */
const WITH_WORKER = `require("node:child_process").spawn(process.execPath, ["-e", ${JSON.stringify(KEEP_ALIVE)}], { stdio: "ignore" }); ${KEEP_ALIVE}`;

/** A long-running process whose command line carries `marker` (what the lock checks look at). */
function sleeper(marker: string, cwd: string, code = KEEP_ALIVE): number {
  const child = spawn(process.execPath, ["-e", code, marker], { cwd, detached: true, stdio: "ignore" });
  child.unref();
  cleanups.push(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // gone
    }
  });
  return child.pid!;
}

describe("database descriptions", () => {
  it("never show the password", () => {
    const url = "postgresql://app:s3cr3t-pw@db.example.com:6543/production?sslmode=require";
    expect(describeDatabaseUrl(url)).toBe("db.example.com:6543/production");
    expect(redactDatabaseUrl(url)).not.toContain("s3cr3t");
    expect(describeDatabaseUrl("postgresql://u:p@localhost/app")).toBe("localhost:5432/app");
    expect(describeDatabaseUrl("not a url :: s3cr3t")).not.toContain("s3cr3t");
  });
});

describe("nextDevArgs", () => {
  it("defaults to PORT, else 3000, and passes the user's args through", () => {
    expect(nextDevArgs([], {})).toEqual({ args: ["dev", "--port", "3000"], port: 3000, hostname: undefined });
    expect(nextDevArgs(["--turbopack"], { PORT: "4100" })).toEqual({ args: ["dev", "--turbopack", "--port", "4100"], port: 4100, hostname: undefined });
  });

  it("reads -p / --port / --port= from the user's args", () => {
    expect(nextDevArgs(["-p", "4000"], { PORT: "5000" })).toMatchObject({ args: ["dev", "-p", "4000"], port: 4000 });
    expect(nextDevArgs(["--port", "4001"], {})).toMatchObject({ port: 4001 });
    expect(nextDevArgs(["--port=4002", "-H", "0.0.0.0"], {})).toMatchObject({ port: 4002, hostname: "0.0.0.0" });
  });

  it("rejects a port that is not a number with a clear error", () => {
    expect(() => nextDevArgs(["-p", "abc"], {})).toThrow(LauncherError);
    expect(() => nextDevArgs([], { PORT: "http" })).toThrow(/PORT="http" is not a port number/);
  });
});

describe("formatFailure", () => {
  it("prints explained errors without a stack, and bugs with one", () => {
    expect(formatFailure(new EmbeddedDatabaseError("port 54329 is taken"))).toBe("port 54329 is taken");
    expect(formatFailure(new MigrationError("Migration x failed"))).toBe("Migration x failed");
    expect(formatFailure(new LauncherError("already running"))).toBe("already running");
    expect(formatFailure(new TypeError("oops"))).toMatch(/^Unexpected error: TypeError: oops\n\s+at /);
  });
});

describe("the launcher lock", () => {
  it("refuses to start while another launcher of this folder runs", async () => {
    const dir = tempDir();
    const file = path.join(dir, "dev-launcher.json");
    const other = sleeper("scripts/dev.ts", dir);
    writeLock({ launcherPid: other, port: 3123, startedAt: new Date().toISOString() }, file);

    await expect(clearStaleLauncher({ file, root: dir })).rejects.toThrow(/already running in this folder \(pid \d+, http:\/\/localhost:3123\)/);
    expect(readLock(file)?.launcherPid).toBe(other); // not ours to delete
    removeLock(file);
    expect(fs.existsSync(file)).toBe(true);
  });

  it("stops the next dev a killed launcher left behind, and clears the lock", async () => {
    const dir = tempDir();
    const file = path.join(dir, "dev-launcher.json");
    const orphanNext = sleeper("next-dev-stand-in", dir, WITH_WORKER);
    let worker: number | undefined;
    for (let i = 0; i < 100 && !worker; i++) {
      worker = descendantsOf(orphanNext)[0];
      if (!worker) await new Promise((r) => setTimeout(r, 20));
    }
    expect(worker).toBeDefined();
    const deadLauncher = 2 ** 22 + 12345; // above pid_max on most systems: no such process
    writeLock({ launcherPid: deadLauncher, nextPid: orphanNext, port: 3124, startedAt: new Date().toISOString() }, file);
    const lines: string[] = [];

    await clearStaleLauncher({ file, root: dir, log: (l) => lines.push(l) });
    expect(await waitForExit(orphanNext, 5000)).toBe(true);
    expect(isAlive(orphanNext)).toBe(false);
    expect(await waitForExit(worker!, 5000)).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
    expect(lines.join("\n")).toContain(`pid ${orphanNext}`);
  });

  it.skipIf(!fs.existsSync("/proc/self/cwd"))("leaves alone a process that reuses the recorded pid but is not next in this folder", async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    const file = path.join(dir, "dev-launcher.json");
    const stranger = sleeper("next-but-another-project", elsewhere);
    writeLock({ launcherPid: 2 ** 22 + 12346, nextPid: stranger, port: 3125, startedAt: new Date().toISOString() }, file);

    await clearStaleLauncher({ file, root: dir });
    expect(isAlive(stranger)).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
  });
});
