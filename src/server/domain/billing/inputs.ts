// What the cancel dialog sends: validated in the browser (react-hook-form) and again by billing.cancel.
// Client-safe: no server imports (the generated enums file is plain constants).
import { z } from "@/lib/zod";
import { CancellationReason } from "@/generated/prisma/enums";
import { customIssue } from "@/lib/validation-messages";

export const CANCELLATION_DETAILS_MAX = 1000;

export const cancelSubscriptionInputSchema = z
  .object({
    reason: z.enum(CancellationReason),
    details: z.string().trim().max(CANCELLATION_DETAILS_MAX).optional(),
  })
  .refine((input) => input.reason !== "other" || Boolean(input.details), { path: ["details"], ...customIssue("cancelDetailsRequired") });
