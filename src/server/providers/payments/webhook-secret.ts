import fs from "node:fs";
import path from "node:path";
import { generateWebhookSecret } from "./webhook-signature";

export class MissingWebhookSecretError extends Error {
  override name = "MissingWebhookSecretError";
  constructor() {
    super(
      "DODO_PAYMENTS_WEBHOOK_KEY is not set. In production the webhook secret must come from the environment: " +
        "copy the whsec_... signing secret of the webhook endpoint from the Dodo Payments dashboard.",
    );
  }
}

/** Where development keeps its generated secret (the local simulator signs with the same one). */
export const DEV_WEBHOOK_SECRET_FILE = ".data/dodo-webhook-secret";

/**
 * The Standard Webhooks secret that Dodo deliveries are verified with. From DODO_PAYMENTS_WEBHOOK_KEY when
 * set; in development and tests a `whsec_` secret is generated once and kept in .data/dodo-webhook-secret
 * (like src/server/auth-secret.ts) so the simulator and the app agree across restarts. In production a
 * missing secret is an error (never accept unverifiable webhooks), except in a playground build without a
 * Dodo API key: there only the local simulator sends webhooks, and it signs with the same generated secret.
 */
export function resolveWebhookSecret(
  env: { DODO_PAYMENTS_WEBHOOK_KEY?: string; DODO_PAYMENTS_API_KEY?: string; PLAYGROUND?: string; NODE_ENV: string },
  file: string = path.resolve(process.cwd(), DEV_WEBHOOK_SECRET_FILE),
): string {
  if (env.DODO_PAYMENTS_WEBHOOK_KEY) return env.DODO_PAYMENTS_WEBHOOK_KEY;
  const simulatorOnly = env.PLAYGROUND === "1" && !env.DODO_PAYMENTS_API_KEY;
  if (env.NODE_ENV === "production" && !simulatorOnly) throw new MissingWebhookSecretError();
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const secret = generateWebhookSecret();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
    return secret;
  } catch (error) {
    // Another process (next dev's workers, the simulator) wrote it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return fs.readFileSync(file, "utf8").trim();
    throw error;
  }
}
