import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export class MissingAuthSecretError extends Error {
  override name = "MissingAuthSecretError";
  constructor() {
    super(
      "BETTER_AUTH_SECRET is not set. In production the auth secret must come from the environment: " +
        'generate one with `openssl rand -base64 32` (or `node -e "console.log(crypto.randomBytes(32).toString(\'base64\'))"`) ' +
        "and set BETTER_AUTH_SECRET before starting the app.",
    );
  }
}

const DEV_SECRET_FILE = path.resolve(process.cwd(), ".data/auth-secret");

/**
 * The secret that signs sessions. From the environment when set; in development and tests it is
 * generated once and kept in .data/auth-secret so sessions survive restarts; in production a
 * missing secret is an error (a generated one would log everyone out on every deploy).
 */
export function resolveAuthSecret(env: { BETTER_AUTH_SECRET?: string; NODE_ENV: string }): string {
  if (env.BETTER_AUTH_SECRET) return env.BETTER_AUTH_SECRET;
  if (env.NODE_ENV === "production") throw new MissingAuthSecretError();
  if (fs.existsSync(DEV_SECRET_FILE)) return fs.readFileSync(DEV_SECRET_FILE, "utf8").trim();
  const secret = randomBytes(32).toString("base64");
  fs.mkdirSync(path.dirname(DEV_SECRET_FILE), { recursive: true });
  try {
    fs.writeFileSync(DEV_SECRET_FILE, secret, { mode: 0o600, flag: "wx" });
    return secret;
  } catch (error) {
    // Another process (next dev's workers, the seed) wrote it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return fs.readFileSync(DEV_SECRET_FILE, "utf8").trim();
    throw error;
  }
}
