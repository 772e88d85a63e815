import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { LauncherError } from "./cli";
import { projectRoot } from "./paths";

/**
 * An exited process whose parent has not reaped it yet still answers kill(pid, 0). Orphans are
 * reaped by PID 1, which in some containers and VMs does so only every second or so.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.charAt(stat.lastIndexOf(")") + 2);
    return state === "Z" || state === "X";
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // alive, but someone else's
  }
  return !isZombie(pid);
}

/** The command line of a process (/proc on Linux, `ps` elsewhere), or null if it is gone or unknown. */
export function commandLineOf(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    if (process.platform === "win32" || process.platform === "linux") return null;
    try {
      return execFileSync("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8" }).trim() || null;
    } catch {
      return null;
    }
  }
}

/** The working directory of a process where the OS tells (Linux), otherwise null. */
export function workingDirOf(pid: number): string | null {
  try {
    return fs.realpathSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

/** Sends a signal; a process that is already gone is fine. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** The pids of a process's children, grandchildren... (`ps`; empty where it is missing). */
export function descendantsOf(pid: number): number[] {
  let table: string;
  try {
    table = execFileSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8" });
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const line of table.split("\n")) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (!child || parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const out: number[] = [];
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length) {
    const next = queue.shift()!;
    out.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return out;
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/**
 * Stops a process and everything it started (next dev and its next-server worker): SIGTERM to the
 * process, which shuts its own children down; SIGKILL to whatever is left after graceMs.
 */
export async function stopProcessTree(pid: number, graceMs = 5000): Promise<void> {
  const tree = [pid, ...descendantsOf(pid)];
  signal(pid, "SIGTERM");
  await waitForExit(pid, graceMs);
  for (const p of tree) if (isAlive(p)) signal(p, "SIGKILL");
}

// ---------- the launcher's lock file ----------

export interface LauncherLock {
  /** The launcher (scripts/dev.ts) process. */
  launcherPid: number;
  /** The `next dev` process. */
  nextPid?: number;
  port: number;
  startedAt: string;
}

export const LOCK_FILE = path.join(projectRoot, ".data/dev-launcher.json");

export function readLock(file = LOCK_FILE): LauncherLock | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<LauncherLock>;
    return typeof parsed.launcherPid === "number" ? (parsed as LauncherLock) : null;
  } catch {
    return null;
  }
}

export function writeLock(lock: LauncherLock, file = LOCK_FILE): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
}

export function removeLock(file = LOCK_FILE): void {
  // Only our own: a second launcher that refused to start must not delete the first one's file.
  if (readLock(file)?.launcherPid === process.pid) fs.rmSync(file, { force: true });
}

const looksLikeLauncher = (cmd: string | null) => !!cmd && /scripts[\\/]dev(\.ts)?\b/.test(cmd);
const looksLikeNext = (cmd: string | null) => !!cmd && /next/.test(cmd);

/**
 * Before starting: refuse if another launcher runs in this folder; if one was killed (kill -9, a
 * closed terminal) its `next dev` may still hold the port: stop it. (The PostgreSQL it left running
 * is handled by startEmbeddedDatabase, through postmaster.pid.)
 */
export async function clearStaleLauncher(opts: { log?: (line: string) => void; file?: string; root?: string } = {}): Promise<void> {
  const file = opts.file ?? LOCK_FILE;
  const root = opts.root ?? projectRoot;
  const lock = readLock(file);
  if (!lock) return;
  if (lock.launcherPid !== process.pid && isAlive(lock.launcherPid) && looksLikeLauncher(commandLineOf(lock.launcherPid))) {
    throw new LauncherError(
      `"npm run dev" is already running in this folder (pid ${lock.launcherPid}, http://localhost:${lock.port}). ` +
        `Use that one, or stop it first (Ctrl+C in its terminal, or kill ${lock.launcherPid}).`,
    );
  }
  if (lock.nextPid && isAlive(lock.nextPid)) {
    const cmd = commandLineOf(lock.nextPid);
    const cwd = workingDirOf(lock.nextPid);
    if (looksLikeNext(cmd) && (cwd === null || cwd === fs.realpathSync(root))) {
      opts.log?.(`Stopping the next dev server (pid ${lock.nextPid}) that an earlier "npm run dev" left running...`);
      await stopProcessTree(lock.nextPid);
    }
  }
  fs.rmSync(file, { force: true });
}
