// Runs once when a server process starts (not during `next build`).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("@/env");
  const { resolveAuthSecret, MissingAuthSecretError } = await import("@/server/auth-secret");
  try {
    resolveAuthSecret(env);
  } catch (error) {
    if (error instanceof MissingAuthSecretError) {
      console.error(`\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
