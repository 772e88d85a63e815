/**
 * `npm run admin:create -- <email> [name]`: makes <email> a platform admin, creating the user if
 * needed, through the same domain function as the internal API (`internal.admins.create`), so the
 * same rules hold: the email domain must be in PLATFORM_ADMIN_EMAIL_DOMAINS (unset: any domain in
 * development, none in production), a user with a workspace membership is refused, and a second run
 * changes nothing. A new admin gets a password setup email and must turn on two-factor
 * authentication before any platform page works. Database: DATABASE_URL, else the embedded
 * PostgreSQL (reused if running, else started for the duration). Exit code 0 on success, 1 otherwise.
 */
import { bootstrapScript } from "./lib/env";

bootstrapScript();
const { createLogger, LauncherError, runCli } = await import("./lib/cli");
const log = createLogger("admin:create");

const USAGE = 'Usage: npm run admin:create -- <email> ["Full Name"]';

runCli("admin:create", async () => {
  const [rawEmail, ...nameParts] = process.argv.slice(2).filter((a) => a !== "--");
  if (!rawEmail || rawEmail === "-h" || rawEmail === "--help") throw new LauncherError(USAGE);
  const { createPlatformAdminInputSchema } = await import("@/server/domain/platform/schemas");
  const parsed = createPlatformAdminInputSchema.safeParse({ email: rawEmail, name: nameParts.join(" ") || undefined });
  if (!parsed.success) {
    throw new LauncherError(`${parsed.error.issues.map((i) => i.message).join("; ")} ("${rawEmail}"). ${USAGE}`);
  }

  const { openDatabase, pendingMigrations } = await import("./lib/database");
  const db = await openDatabase({ embedded: "reuse", log: log.info });
  try {
    log.info(`Database: ${db.description}`);
    const pending = await pendingMigrations(db.url);
    if (pending.length) {
      throw new LauncherError(`The database is missing ${pending.length} migration(s) (${pending.join(", ")}). Run "npm run db:migrate" first.`);
    }
    // The app's Prisma client reads DATABASE_URL when first imported: point it at the database opened above.
    process.env.DATABASE_URL = db.url;
    const { prisma } = await import("@/server/db/client");
    try {
      const { env } = await import("@/env");
      const { getAuth } = await import("@/server/auth");
      const { AppError } = await import("@/server/domain/errors");
      const { createPlatformAdmin } = await import("@/server/domain/platform/create-platform-admin");
      const { staffEmailPolicy } = await import("@/server/domain/platform/staff-email-policy");
      const result = await createPlatformAdmin(prisma, getAuth(), { ...parsed.data, actor: { kind: "cli" }, policy: staffEmailPolicy(env) }).catch(
        (error: unknown) => {
          if (error instanceof AppError) throw new LauncherError(`${parsed.data.email} was not made a platform admin: ${error.message}`);
          throw error;
        },
      );

      if (!result.roleGranted) {
        log.info(`${result.email} is already a platform admin (user ${result.userId}); nothing changed.`);
        return 0;
      }
      log.info(
        result.userCreated
          ? `Created the user ${result.email} (id ${result.userId}) and made them a platform admin.`
          : `Made the existing user ${result.email} (id ${result.userId}) a platform admin.`,
      );
      if (result.passwordSetupEmail === "sent") {
        // A production build's mailbox shows mail only to its signed-in recipient, which a new admin cannot be yet.
        const mailbox = env.RESEND_API_KEY
          ? ""
          : env.NODE_ENV === "production"
            ? ` (no email provider configured: the message is stored in the table dev_mailbox_messages; set RESEND_API_KEY for real email)`
            : ` (no email provider configured: it is in the dev mailbox, ${env.APP_URL}/dev/mailbox)`;
        log.info(`A password setup email was sent to ${result.email}${mailbox}.`);
      } else if (result.passwordSetupEmail === "failed") {
        log.warn(`The password setup email could not be sent; ${result.email} can use "Forgot password" on ${env.APP_URL}/sign-in.`);
      }
      log.info(`Next: they sign in at ${env.APP_URL}/sign-in and turn on two-factor authentication at ${env.APP_URL}/platform (required for every platform page).`);
      return 0;
    } finally {
      await prisma.$disconnect();
    }
  } finally {
    await db.stop();
  }
});
