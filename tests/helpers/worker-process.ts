/**
 * `npm run worker` (scripts/lib/worker.ts) as a real process on this test file's database, with the crash
 * probe job added to its jobs (worker-with-crash-probe.ts), for tests that kill it mid-job. Started as one
 * node process (not through the tsx CLI, which would put a parent in front of it), so `kill("SIGKILL")`
 * kills the runner itself.
 */
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

export interface WorkerProcess {
  pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves once its runner takes jobs (after its start-up release). */
  ready: Promise<void>;
  /** Sends `signal` and waits until the process is gone (reaped: its pid no longer answers). */
  kill(signal: NodeJS.Signals): Promise<void>;
}

const running = new Set<WorkerProcess>();

export function startWorkerProcess(env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/helpers/worker-with-crash-probe.ts"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, JOBS_POLL_MS: "200", JOBS_CONCURRENCY: "2", ...env },
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/taking jobs/.test(output)) resolve();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then(() => reject(new Error(`The worker exited before it was ready:\n${output}`)));
  });
  ready.catch(() => undefined); // a test that never waits for it must not fail on an unhandled rejection
  const worker: WorkerProcess = {
    pid: child.pid!,
    output: () => output,
    ready,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      running.delete(worker);
    },
  };
  running.add(worker);
  return worker;
}

/** For afterEach: kills every worker a test left running. */
export async function killWorkerProcesses(): Promise<void> {
  await Promise.all([...running].map((w) => w.kill("SIGKILL")));
}

/** Polls `probe` until it returns a value (not undefined), or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}
