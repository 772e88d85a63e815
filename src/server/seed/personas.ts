// The demo personas: who `npm run db:seed` (prisma/seed.ts) creates, who the sign-in page lists as
// demo logins, and who the e2e fixtures sign in as. Plain data only: this file is imported by a
// rendered page and by Playwright, so it must not import Prisma, Node built-ins or server code.

/** Every persona signs in with this password (development, demos and tests only). */
export const DEMO_PASSWORD = "demo-password-123";

/** A reserved domain (RFC 2606): mail to it can never reach a real person. */
export const DEMO_EMAIL_DOMAIN = "demo.example.com";

/**
 * The TOTP secret of the platform admin persona (two-factor is required for platform staff). Public on
 * purpose, like DEMO_PASSWORD: the e2e run and demos compute codes from it. It is the secret as Better
 * Auth uses it (its UTF-8 bytes are the HMAC key); authenticator apps take the base32 form shown in the
 * otpauth URI. The seed stores it encrypted with the auth secret, as the twoFactor plugin does.
 */
export const DEMO_TOTP_SECRET = "DemoPlatformAdminTotpSecret2026x";

export type PersonaKey =
  | "trial"
  | "paid"
  | "pastDue"
  | "canceled"
  | "outOfCredits"
  | "guest"
  | "multiTenant"
  | "analyst"
  | "platformAdmin";

export type DemoPlan = "starter" | "pro" | "business";
export type DemoBillingState = "trial" | "active" | "past_due" | "canceled";

export interface DemoProject {
  name: string;
  /** Soft-deleted: hidden from lists, kept for the audit trail. */
  deleted?: boolean;
}

/**
 * A custom role (iam_roles) of the tenant: `key` is what tenant_members.role stores (the slug of the
 * name, never a built-in role name, as src/server/domain/rbac/iam-roles.ts derives it); permissions
 * come from the matrix (rbac/permissions.ts), "tenant:read" always included, "tenant:delete" never.
 */
export interface DemoCustomRole {
  key: string;
  name: string;
  description: string;
  permissions: readonly string[];
}

/** A team of the tenant; its members are personas that belong to the tenant (the owner or a membership). */
export interface DemoTeam {
  name: string;
  members: readonly PersonaKey[];
}

/**
 * A pending invitation from the tenant's owner. The address must have no account (no persona's
 * email): signing in with an invited address accepts the invitation at once.
 */
export interface DemoInvitation {
  email: string;
  role: string;
  memberType: "member" | "guest";
  /** Expires this many days after seeding (the app's invitation expiry); an expired one is moved forward again. */
  expiresInDays: number;
}

/**
 * A tenant's billing story, replayed on the payment simulator through the real webhook path by
 * billing-history.ts. Days are counted back from the time of seeding.
 */
export interface DemoBilling {
  subscription?: {
    plan: Exclude<DemoPlan, "starter">;
    interval: "monthly" | "yearly";
    startedDaysAgo: number;
    /** Each renewal charged and paid on that day (oldest first). */
    renewedDaysAgo?: readonly number[];
    /** The renewal on that day was declined: past due with a grace period from then. */
    renewalFailedDaysAgo?: number;
    /** Canceled at the period end on that day. */
    canceledDaysAgo?: number;
  };
  creditPacks?: readonly { pack: "credits-1k" | "credits-5k" | "credits-20k"; boughtDaysAgo: number }[];
}

/**
 * Usage this month as a share of the plan's limit (so the story holds on any day of the month), spread over
 * the days from the 1st to today (a daily chart) and the tenant's people in turn (guests included).
 */
export interface DemoUsage {
  apiCallsShare: number;
  aiCreditsShare: number;
  /** Credits granted that many days ago and spent in full through the credit ledger: the tenant is out of credits. */
  spentGrant?: { credits: number; grantedDaysAgo: number };
}

/** The tenant a persona owns. Dates are relative to the time of seeding. */
export interface DemoTenant {
  name: string;
  slug: string;
  plan: DemoPlan;
  billingState: DemoBillingState;
  /** Trial tenants: the trial ends this many days after seeding. */
  trialEndsInDays?: number;
  /** Past-due tenants: the grace period ends this many days after seeding. */
  graceEndsInDays?: number;
  projects: readonly DemoProject[];
  billing?: DemoBilling;
  usage?: DemoUsage;
  roles?: readonly DemoCustomRole[];
  teams?: readonly DemoTeam[];
  invitations?: readonly DemoInvitation[];
}

/** A membership in another persona's tenant. */
export interface DemoMembership {
  /** The persona that owns the tenant. */
  persona: PersonaKey;
  /** A built-in role (not owner) or the key of one of that tenant's `roles`. */
  role: string;
  memberType: "member" | "guest";
}

export interface Persona {
  key: PersonaKey;
  email: string;
  name: string;
  /** One line on what this persona shows (English; the sign-in page translates `auth.personas.<key>`). */
  summary: string;
  /** Name of the tenant this persona owns (owners only). */
  tenantName?: string;
  /** The tenant this persona owns (role owner). */
  tenant?: DemoTenant;
  /**
   * Memberships in other personas' tenants (instead of a tenant of its own), oldest first: a new
   * session starts in the user's oldest membership, so the first one listed is the default tenant.
   */
  memberships?: readonly DemoMembership[];
  /** A platform_role_assignments row; platform staff belong to no tenant. */
  platformRole?: "platform_admin";
  /** Two-factor authentication on, with DEMO_TOTP_SECRET (Better Auth asks for a code after the password). */
  twoFactor?: boolean;
  /** Whether the persona opted in to marketing emails at sign-up (a consents row either way). */
  marketingEmails: boolean;
}

const email = (local: string) => `${local}@${DEMO_EMAIL_DOMAIN}`;

const tenants = {
  trial: {
    name: "Brightline Studio",
    slug: "brightline-studio",
    plan: "starter",
    billingState: "trial",
    trialEndsInDays: 10,
    projects: [{ name: "Website redesign" }, { name: "Spring campaign" }],
  },
  paid: {
    name: "Northwind Analytics",
    slug: "northwind-analytics",
    plan: "pro",
    billingState: "active",
    usage: { apiCallsShare: 0.75, aiCreditsShare: 0.5 },
    billing: {
      subscription: { plan: "pro", interval: "monthly", startedDaysAgo: 75, renewedDaysAgo: [45, 15] },
      creditPacks: [
        { pack: "credits-1k", boughtDaysAgo: 40 },
        { pack: "credits-5k", boughtDaysAgo: 8 },
      ],
    },
    projects: [
      { name: "Customer churn model" },
      { name: "Quarterly revenue dashboard" },
      { name: "Warehouse migration" },
      { name: "Legacy ETL scripts", deleted: true },
    ],
    roles: [
      {
        key: "analyst",
        name: "Analyst",
        description: "Reads everything, edits projects",
        permissions: ["tenant:read", "project:read", "project:update", "member:read", "team:read", "role:read", "usage:read", "billing:read"],
      },
    ],
    teams: [{ name: "Data Science", members: ["paid", "multiTenant"] }],
    invitations: [{ email: email("newhire"), role: "member", memberType: "member", expiresInDays: 7 }],
  },
  pastDue: {
    name: "Harbor Logistics",
    slug: "harbor-logistics",
    plan: "pro",
    billingState: "past_due",
    graceEndsInDays: 4,
    // Renewal declined yesterday; the default 5-day grace period leaves 4 days.
    billing: { subscription: { plan: "pro", interval: "monthly", startedDaysAgo: 31, renewalFailedDaysAgo: 1 } },
    projects: [{ name: "Route optimisation" }, { name: "Fleet tracking" }, { name: "Carrier onboarding" }],
  },
  canceled: {
    name: "Juniper Bakery",
    slug: "juniper-bakery",
    plan: "pro",
    billingState: "canceled",
    // Canceled two days ago; paid until the period end 10 days from now.
    billing: { subscription: { plan: "pro", interval: "monthly", startedDaysAgo: 20, canceledDaysAgo: 2 } },
    projects: [{ name: "Online ordering" }, { name: "Seasonal menu" }],
  },
  // Out of credits: its monthly AI allowance and a 100-credit grant are spent, and its API calls are at
  // Starter's limit, so AI actions and API calls are refused with the upgrade / top-up path.
  outOfCredits: {
    name: "Quillby AI",
    slug: "quillby-ai",
    plan: "starter",
    billingState: "active",
    usage: { apiCallsShare: 1, aiCreditsShare: 1, spentGrant: { credits: 100, grantedDaysAgo: 20 } },
    projects: [{ name: "Support reply drafts" }, { name: "Blog post generator" }, { name: "Product descriptions" }],
  },
} as const satisfies Record<string, DemoTenant>;

export const personas: readonly Persona[] = [
  {
    key: "trial",
    email: email("trial"),
    name: "Maya Chen",
    summary: "Owner of a starter tenant in its free trial (ends in 10 days).",
    tenantName: tenants.trial.name,
    tenant: tenants.trial,
    marketingEmails: true,
  },
  {
    key: "paid",
    email: email("paid"),
    name: "Jonas Weber",
    summary:
      "Owner of a Pro tenant with an active subscription; has a guest, an admin, a member with a custom role (Analyst), a team and a pending invitation.",
    tenantName: tenants.paid.name,
    tenant: tenants.paid,
    marketingEmails: false,
  },
  {
    key: "pastDue",
    email: email("past-due"),
    name: "Priya Raman",
    summary: "Owner of a Pro tenant whose payment failed: past due, grace period ends in 4 days.",
    tenantName: tenants.pastDue.name,
    tenant: tenants.pastDue,
    marketingEmails: false,
  },
  {
    key: "canceled",
    email: email("canceled"),
    name: "Diego Alvarez",
    summary: "Owner of a tenant whose subscription was canceled.",
    tenantName: tenants.canceled.name,
    tenant: tenants.canceled,
    marketingEmails: true,
  },
  {
    key: "outOfCredits",
    email: email("out-of-credits"),
    name: "Sam Okafor",
    summary: "Owner of an active starter tenant that has used up its credits.",
    tenantName: tenants.outOfCredits.name,
    tenant: tenants.outOfCredits,
    marketingEmails: false,
  },
  {
    key: "guest",
    email: email("guest"),
    name: "Lena Fischer",
    summary: "Guest in the paid user's tenant (Northwind Analytics); no tenant of her own.",
    memberships: [{ persona: "paid", role: "guest", memberType: "guest" }],
    marketingEmails: false,
  },
  {
    key: "multiTenant",
    email: email("multi"),
    name: "Morgan Patel",
    summary:
      "Member of two tenants with different roles: admin in Northwind Analytics (where sessions start) and member in Brightline Studio; no tenant of their own.",
    memberships: [
      { persona: "paid", role: "admin", memberType: "member" },
      { persona: "trial", role: "member", memberType: "member" },
    ],
    marketingEmails: true,
  },
  {
    key: "analyst",
    email: email("analyst"),
    name: "Ravi Kapoor",
    summary: "Member of Northwind Analytics with the custom role Analyst (reads everything, edits projects); no tenant of their own.",
    memberships: [{ persona: "paid", role: "analyst", memberType: "member" }],
    marketingEmails: false,
  },
  {
    key: "platformAdmin",
    email: email("admin"),
    name: "Alex Morgan",
    summary: "Platform staff (platform_admin): the admin panel, no tenant membership.",
    platformRole: "platform_admin",
    twoFactor: true,
    marketingEmails: false,
  },
];

export const personaKeys = personas.map((p) => p.key);

export function getPersona(key: PersonaKey): Persona {
  const found = personas.find((p) => p.key === key);
  if (!found) throw new Error(`Unknown persona: ${key}`);
  return found;
}

/**
 * A row of the local runner's jobs table, so the platform jobs page (/platform/jobs) has real content.
 * Times are relative to seeding; `persona` adds that persona's user id (and tenant id, for owners) to
 * the payload, as notify() would. Only ever added (fixed ids): a job an admin retried stays retried.
 */
export interface DemoJob {
  key: string;
  name: string;
  status: "queued" | "retrying" | "succeeded" | "failed";
  persona: PersonaKey;
  payload: Readonly<Record<string, string | number | boolean>>;
  attempts: number;
  maxAttempts: number;
  /** Created this many minutes before seeding. */
  createdMinutesAgo: number;
  /** Due this many minutes after seeding (negative: in the past). */
  runInMinutes: number;
  lastError?: string;
  result?: Readonly<Record<string, string | number | boolean>>;
}

export const demoJobs: readonly DemoJob[] = [
  {
    key: "welcome-trial",
    name: "notifications.deliver",
    status: "succeeded",
    persona: "trial",
    payload: { channel: "email", event: "account.welcome", template: "welcome", category: "account", locale: "en" },
    attempts: 1,
    maxAttempts: 5,
    createdMinutesAgo: 4 * 24 * 60,
    runInMinutes: -4 * 24 * 60,
    result: { provider: "dev-mailbox", messageId: "msg_01J9Z3W7H5Q2K8R4T6V0X1Y2Z3", accepted: true },
  },
  {
    key: "payment-failed-past-due",
    name: "notifications.deliver",
    status: "failed",
    persona: "pastDue",
    payload: { channel: "email", event: "billing.payment-failed", template: "paymentFailed", category: "billing", locale: "en" },
    attempts: 5,
    maxAttempts: 5,
    createdMinutesAgo: 3 * 24 * 60,
    runInMinutes: -3 * 24 * 60 + 95,
    lastError:
      'Resend API error 503 (service_unavailable): {"name":"internal_server_error","message":"The service is temporarily unavailable. Please retry later.","statusCode":503} after 5 attempts; last attempt at POST https://api.resend.com/emails',
  },
  {
    key: "payment-receipt-paid",
    name: "notifications.deliver",
    status: "retrying",
    persona: "paid",
    payload: { channel: "email", event: "billing.payment-receipt", template: "paymentReceipt", category: "billing", locale: "en" },
    attempts: 2,
    maxAttempts: 5,
    createdMinutesAgo: 6,
    runInMinutes: 4,
    lastError: "Resend API error 429 (rate_limit_exceeded): Too many requests. You can only make 2 requests per second.",
  },
  {
    key: "trial-ending-reminder",
    name: "notifications.deliver",
    status: "queued",
    persona: "trial",
    payload: { channel: "email", event: "billing.trial-ending", template: "trialEnding", category: "billing", locale: "en" },
    attempts: 0,
    maxAttempts: 5,
    createdMinutesAgo: 4 * 24 * 60,
    runInMinutes: 7 * 24 * 60,
  },
];
