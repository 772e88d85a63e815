import { Prisma } from "@/generated/prisma/client";
import type { OverrunStrategy, PlanId } from "@/server/domain/plans/plans";

// The closed set of failures the domain reports. src/server/api/trpc.ts maps each to a tRPC code
// in one exhaustive table. What the user reads is not the code but the AppError's own message key
// (ERROR_MESSAGES below); errors.<code> in messages/*.json is only the fallback for errors without one.
export type AppErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "INVALID_INPUT"
  | "NO_ACTIVE_TENANT"
  | "EMAIL_TAKEN"
  | "EMAIL_DOMAIN_NOT_ALLOWED"
  | "EMAIL_NOT_VERIFIED"
  | "RATE_LIMITED"
  | "LIMIT_REACHED"
  | "LAST_OWNER"
  | "ALREADY_MEMBER"
  | "INVITATION_INVALID"
  | "TWO_FACTOR_REQUIRED"
  | "PLATFORM_USER"
  | "BILLING_NOT_CONFIGURED"
  | "PAYMENT_PROVIDER_UNAVAILABLE"
  | "PAYMENT_PROVIDER_ERROR";

/**
 * Every sentence an AppError can show the user: its key under `errors.` in messages/<locale>.json and the
 * ICU arguments the sentence uses. Add a key here, then to en.json and de.json (src/server/domain/errors.test.ts
 * fails until both have it with exactly these arguments, and when a key here is no longer thrown anywhere).
 */
export const ERROR_MESSAGES = {
  // Who may call (src/server/api/trpc.ts)
  "auth.signInRequired": [],
  "auth.platformUser": [],
  "auth.roleForbids": [],
  "tenancy.noActiveTenant": [],
  "rateLimit.retryIn": ["seconds"],
  // Things that are not there (notFound)
  "notFound.job": [],
  "notFound.project": [],
  "notFound.member": [],
  "notFound.workspace": [],
  "notFound.deletedWorkspace": [],
  "notFound.invitation": [],
  "notFound.team": [],
  "notFound.teamMember": [],
  "notFound.role": [],
  "notFound.webhookEvent": [],
  // Unmapped database refusals (the fallback in src/server/api/trpc.ts)
  "database.alreadyExists": [],
  "database.notFound": [],
  "database.stillReferenced": [],
  // Sign-up and email addresses
  "signUp.refused": [],
  "email.domainNotAllowed": [],
  // Workspaces and members
  "workspace.singleTenant": ["action"],
  "workspace.lastOwner": [],
  "workspace.ownerOnlyDelete": [],
  "workspace.confirmationMismatch": [],
  "seats.limitReached": ["memberType", "limit"],
  "members.unknownRole": ["role"],
  "members.guestRole": [],
  "members.ownerOnlyOwnership": [],
  "members.removeSelf": [],
  "members.ownerOnlyRemoveOwner": [],
  // Invitations
  "invitation.alreadyMember": [],
  "invitation.unknownRole": ["role"],
  "invitation.guestRole": [],
  "invitation.ownerOnlyOwners": [],
  "invitation.beyondOwnPermissions": [],
  "invitation.seatLimit": ["memberType", "limit", "members", "pending"],
  "invitation.roleGone": [],
  "invitation.used": [],
  "invitation.alreadyAccepted": [],
  "invitation.revoked": [],
  "invitation.expired": [],
  "invitation.otherAddress": ["email"],
  "invitation.verifyEmailFirst": [],
  "invitation.notPending": ["status"],
  "invitation.resendNotPending": ["status"],
  "invitation.resendCooldown": [],
  // Teams
  "teams.nameTaken": ["name"],
  "teams.alreadyInTeam": ["team"],
  // Roles
  "roles.unknownPermission": ["permissions"],
  "roles.ownerOnlyPermission": ["permission"],
  "roles.beyondOwnPermissions": ["permissions"],
  "roles.builtInName": ["name"],
  "roles.nameTaken": ["name"],
  "roles.stillHeld": ["count", "role"],
  "roles.stillOffered": ["count", "role"],
  // Notification preferences
  "notifications.alwaysOn": ["category", "channel"],
  // Usage and credits
  "usage.limitReached": ["metric"],
  "usage.idempotencyKeyReused": [],
  "usage.occurredAtOutOfRange": [],
  "usage.invalidInput": [],
  "credits.notEnough": ["needed", "available"],
  // Billing
  "billing.freePlanCheckout": ["plan"],
  "billing.alreadySubscribed": [],
  "billing.noSubscription": [],
  "billing.freePlanChange": ["plan"],
  "billing.unknownSubscriptionPlan": [],
  "billing.alreadyOnPlan": ["plan", "interval"],
  "billing.overPlanLimit": ["plan", "what", "used", "limit"],
  "billing.alreadyCanceled": [],
  "billing.alreadyCanceledEnds": ["date"],
  "billing.cancellationPending": [],
  "billing.notConfigured": [],
  "billing.providerUnavailable": [],
  "billing.providerBusy": [],
  "billing.providerError": [],
  // Platform staff and system callers
  "platform.staffOnly": [],
  "platform.staffInWorkspace": [],
  "platform.staffEmailNotAllowed": [],
  "platform.twoFactorRequired": [],
  "platform.adminHasWorkspaces": ["email", "count"],
  "internal.tokenMissing": [],
  "internal.disabled": [],
  "internal.tokenInvalid": [],
  "jobs.cannotAct": ["status", "action"],
  "billingEvents.cannotReplay": ["status"],
} as const satisfies Record<string, readonly string[]>;

export type ErrorMessageKey = keyof typeof ERROR_MESSAGES;
/** A value an ICU argument takes: text, a number ({n, plural, ...}) or a date ({d, date, medium}). */
export type ErrorMessageParam = string | number | Date;

type MessageOf<K extends ErrorMessageKey> = (typeof ERROR_MESSAGES)[K] extends readonly []
  ? { key: K; params?: undefined }
  : { key: K; params: { [P in (typeof ERROR_MESSAGES)[K][number]]: ErrorMessageParam } };

/**
 * What the user is told: a key of ERROR_MESSAGES with exactly its arguments (a missing or misspelt one
 * does not compile), and the input field it is about, if any (the form shows it next to that field).
 */
export type UserMessage = { [K in ErrorMessageKey]: MessageOf<K> & { field?: string } }[ErrorMessageKey];

/**
 * What a LIMIT_REACHED refusal of a metered action was about (src/server/domain/usage/entitlements.ts), sent
 * to the client as the tRPC error's `data.limit` so the UI can show the numbers and the upgrade button.
 */
export interface LimitDetails {
  /** The usage metric (src/server/domain/usage/metrics.ts): "projects", "api_calls", "ai_credits". */
  metric: string;
  limit: number;
  /** Used before the refused action: live count for a gauge, this period's units otherwise. */
  used: number;
  /** What the refused action asked for. */
  requested: number;
  strategy: OverrunStrategy;
  /** The plan to offer when the strategy is "upgrade"; null otherwise or on the top plan. */
  upgradeTo: PlanId | null;
  /** Purchased credits left (unexpired) and the credits the action would have needed beyond the allowance. */
  creditsAvailable: number;
  creditsNeeded: number;
}

export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: AppErrorCode,
    /** English, for logs and API callers; the UI shows `user` in the reader's language instead. */
    message: string,
    readonly user: UserMessage,
    /** Structured data of a LIMIT_REACHED refusal from the usage rules. */
    readonly details?: LimitDetails,
  ) {
    super(message);
  }
}

/** The things a NOT_FOUND names: each has its sentence under errors.notFound.<thing>. */
const NOT_FOUND_NAMES = {
  job: "Job",
  project: "Project",
  member: "Member",
  workspace: "Workspace",
  deletedWorkspace: "Deleted workspace",
  invitation: "Invitation",
  team: "Team",
  teamMember: "Team member",
  role: "Role",
  webhookEvent: "Webhook event",
} as const;
export type NotFoundThing = keyof typeof NOT_FOUND_NAMES;

export const notFound = (thing: NotFoundThing) =>
  new AppError("NOT_FOUND", `${NOT_FOUND_NAMES[thing]} not found`, { key: `notFound.${thing}` });

/**
 * The fallback for a database refusal no use case mapped itself (applied once, in the tRPC error
 * middleware): a unique violation is CONFLICT, a missing record NOT_FOUND, a foreign key CONFLICT (a row
 * still in use, or one that refers to something deleted meanwhile). Anything else is not ours: null.
 * A use case maps a refusal itself only when it can say more (teams.nameTaken names the team).
 */
export function appErrorFromPrisma(error: unknown): AppError | null {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return null;
  const model = typeof error.meta?.modelName === "string" ? `${error.meta.modelName}: ` : "";
  switch (error.code) {
    case "P2002":
      return new AppError("CONFLICT", `${model}a record with these values already exists`, { key: "database.alreadyExists" });
    case "P2025":
      return new AppError("NOT_FOUND", `${model}the record was not found (it may have been deleted meanwhile)`, { key: "database.notFound" });
    case "P2003":
      return new AppError("CONFLICT", `${model}the record is still referenced, or refers to one that no longer exists`, {
        key: "database.stillReferenced",
      });
    default:
      return null;
  }
}
