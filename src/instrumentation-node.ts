import { env } from "@/env";
import { MissingAuthSecretError, resolveAuthSecret } from "@/server/auth-secret";

// A production server without BETTER_AUTH_SECRET stops here, with the reason, instead of
// failing at the first sign-in.
try {
  resolveAuthSecret(env);
} catch (error) {
  if (!(error instanceof MissingAuthSecretError)) throw error;
  console.error(`\n${error.message}\n`);
  process.exit(1);
}
