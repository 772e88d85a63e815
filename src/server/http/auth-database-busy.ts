/**
 * A Better Auth plugin for a busy database (no pool connection in time). Better Auth wraps some such
 * failures in its own 500 APIError (get-session answers FAILED_TO_GET_SESSION with the driver error as
 * cause), which would leave the auth route nothing to map. This hook rethrows them as plain errors, so
 * they reach the auth route (onAPIError.throw in src/server/auth.ts) and the tRPC context like any
 * other busy error, and are answered 503 with Retry-After there. An APIError's status cannot be changed
 * from a hook (Better Auth keeps the endpoint's), hence the rethrow.
 */
import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware, isAPIError } from "better-auth/api";
import { DATABASE_BUSY_MESSAGE, isDatabaseBusy } from "@/server/db/pool-errors";

export const databaseBusyAnswers = () =>
  ({
    id: "database-busy",
    hooks: {
      after: [
        {
          matcher: () => true,
          handler: createAuthMiddleware(async (ctx) => {
            const returned: unknown = ctx.context.returned;
            if (isAPIError(returned) && returned.statusCode >= 500 && isDatabaseBusy(returned)) {
              throw new Error(DATABASE_BUSY_MESSAGE, { cause: returned });
            }
          }),
        },
      ],
    },
  }) satisfies BetterAuthPlugin;
