import { createHash, timingSafeEqual } from "node:crypto";
import { AppError } from "@/server/domain/errors";

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/**
 * The check behind internalProcedure: `Authorization: Bearer <INTERNAL_SERVICE_TOKEN>`.
 * - no (or a malformed) Authorization header: UNAUTHENTICATED, so an anonymous caller gets a 401 like
 *   everywhere else;
 * - INTERNAL_SERVICE_TOKEN unset on the server: FORBIDDEN, whatever was sent (the internal API is off);
 * - a wrong token: UNAUTHENTICATED.
 * The comparison is over SHA-256 digests with timingSafeEqual: constant time, and no length leak.
 */
export function assertServiceToken(input: { authorization: string | null | undefined; expected: string | undefined }): void {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(input.authorization ?? "");
  if (!match) {
    throw new AppError("UNAUTHENTICATED", "Internal procedures need an `Authorization: Bearer <INTERNAL_SERVICE_TOKEN>` header", {
      key: "internal.tokenMissing",
    });
  }
  if (!input.expected) {
    throw new AppError(
      "FORBIDDEN",
      "Internal procedures are disabled: INTERNAL_SERVICE_TOKEN is not set on this server (set it to a secret of at least 32 characters to enable them)",
      { key: "internal.disabled" },
    );
  }
  if (!timingSafeEqual(digest(match[1]!), digest(input.expected))) {
    throw new AppError("UNAUTHENTICATED", "The service token is not valid", { key: "internal.tokenInvalid" });
  }
}
