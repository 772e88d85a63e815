import { randomUUID } from "node:crypto";
import os from "node:os";

// A runner's id, stored in jobs.locked_by for what it claims: `<host>:<pid>:<process start>:<runner>`,
// then `#<slot>` per concurrent loop. Host, pid and process start let a runner starting on the same
// host tell a claim of a stopped process (released at once) from one of a live process (left to its
// lease). Assumes a host name names one machine or container: runners sharing one share its pids.

/** This process's start (ms, base 36): tells it from an earlier process that had the same pid (a restarted container). */
const PROCESS_START = Math.round(performance.timeOrigin).toString(36);
const WORKER_ID = /^(.+):(\d+):([0-9a-z]+):[0-9a-f]+(?:#\d+)?$/;

export function defaultWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${PROCESS_START}:${randomUUID().slice(0, 8)}`;
}

/** Whether `workerId` names a process of this host that no longer runs. Another host's id, or one in another format: false. */
export function isStoppedWorkerOfThisHost(workerId: string): boolean {
  const match = WORKER_ID.exec(workerId);
  if (!match || match[1] !== os.hostname()) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return match[3] !== PROCESS_START;
  return !isProcessAlive(pid);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
