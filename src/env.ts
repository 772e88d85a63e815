import { z } from "zod";
import { emailKeys } from "@/server/providers/email/keys";
import { pushKeys } from "@/server/providers/push/keys";
import { smsKeys } from "@/server/providers/sms/keys";
import { jobsKeys } from "@/server/providers/jobs/keys";
import { paymentsKeys } from "@/server/providers/payments/keys";

/** "example.com,example.org": comma-separated domains, blanks ignored. */
const emailDomainList = (name: string) =>
  z
    .string()
    .refine(
      (v) => v.split(",").every((d) => d.trim() === "" || /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i.test(d.trim())),
      `${name} must be a comma-separated list of domains, e.g. example.com,example.org`,
    )
    .optional();

// The one typed view of the environment. Every provider key is optional: without it the
// category runs on its local default. Providers declare their own keys next to their code.
const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /** Unset: the embedded PostgreSQL that `npm run dev` starts (see src/server/db/database-url.ts). */
  DATABASE_URL: z.string().optional(),
  /** The public origin of the app; used in links inside emails. */
  APP_URL: z.url().default("http://localhost:3000"),
  /** Required in production; generated once under .data/ in development. */
  BETTER_AUTH_SECRET: z.string().min(32, "BETTER_AUTH_SECRET must be at least 32 characters").optional(),
  /**
   * "1" shows the playground helpers (dev mailbox, demo logins) in a production build, for demos and
   * the e2e run. In development they are always on; in a real deployment leave it unset.
   */
  PLAYGROUND: z.enum(["0", "1"]).optional(),
  /**
   * "1": one workspace for the whole install (src/server/domain/tenancy/single-tenant.ts). Sign-ups join
   * it (the first becomes owner), creating, leaving and deleting workspaces is refused, the UI hides tenants.
   */
  SINGLE_TENANT_MODE: z.enum(["0", "1"]).optional(),
  /** The name of that one workspace when single-tenant mode creates it (renaming it later is allowed). */
  SINGLE_TENANT_NAME: z.string().trim().min(1).max(80).optional(),
  /**
   * Bearer token for the internal router (system callers: `Authorization: Bearer <token>`). Unset: every
   * internal call is refused. Generate one with `openssl rand -base64 32`.
   */
  INTERNAL_SERVICE_TOKEN: z.string().min(32, "INTERNAL_SERVICE_TOKEN must be at least 32 characters").optional(),
  /**
   * How many proxies in front of `npm start` append the client to X-Forwarded-For; the server takes the
   * client address from there (src/server/http/client-address.ts) for rate limits and Better Auth.
   * 0 (default): clients connect to `npm start` directly; any X-Forwarded-For they send is ignored.
   * 1: one load balancer / reverse proxy in front that appends to X-Forwarded-For (the app must not be
   * reachable around it). On Vercel the app does not run behind `npm start`: Vercel's edge sets
   * X-Forwarded-For to the client address and that header is used as it comes.
   */
  TRUSTED_PROXIES: z.coerce
    .number()
    .int("TRUSTED_PROXIES must be a whole number of proxies")
    .min(0, "TRUSTED_PROXIES must be between 0 and 10")
    .max(10, "TRUSTED_PROXIES must be between 0 and 10")
    .default(0),
  /**
   * Comma-separated email domains platform staff may have ("example.com,example.org"; exact match).
   * Unset: any domain in development and tests; in production none (PLAYGROUND=1: only the demo domain).
   * See src/server/domain/platform/staff-email-policy.ts.
   */
  PLATFORM_ADMIN_EMAIL_DOMAINS: z
    .string()
    .refine(
      (v) => v.split(",").every((d) => d.trim() === "" || /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i.test(d.trim())),
      "PLATFORM_ADMIN_EMAIL_DOMAINS must be a comma-separated list of domains, e.g. example.com,example.org",
    )
    .optional(),
  /**
   * Comma-separated email domains accepted at sign-up and invitation although the built-in list of
   * disposable-email providers (the mailchecker package) names them ("mailinator.com"). A listed domain
   * covers its subdomains. See src/server/domain/identity/email-policy.ts.
   */
  EMAIL_DOMAIN_ALLOWLIST: emailDomainList("EMAIL_DOMAIN_ALLOWLIST"),
  /**
   * Comma-separated email domains refused at sign-up and invitation in addition to that list
   * ("competitor.example"); subdomains included. Where both lists match an address, the more specific
   * entry wins, and the denylist on a tie.
   */
  EMAIL_DOMAIN_DENYLIST: emailDomainList("EMAIL_DOMAIN_DENYLIST"),
  ...emailKeys,
  ...smsKeys,
  ...pushKeys,
  ...jobsKeys,
  ...paymentsKeys,
});

export type Env = z.infer<typeof schema>;

function parseEnv(source: NodeJS.ProcessEnv): Env {
  const blankAsUnset = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const parsed = schema.safeParse(blankAsUnset);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment variables:\n${problems}`);
  }
  return parsed.data;
}

export const env = parseEnv(process.env);

export const playgroundEnabled = env.NODE_ENV !== "production" || env.PLAYGROUND === "1";
