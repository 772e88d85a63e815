// Input and output schemas of the platform and internal routers (src/server/api/routers/{platform,internal}.ts).
import { z } from "zod";
import { entityIdSchema, plainText } from "@/server/domain/validation";
import { PLATFORM_USERS_PAGE_MAX } from "./list-platform-users";

export const createPlatformAdminInputSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email("Enter a valid email address").max(254, "Email addresses are at most 254 characters")),
  name: plainText({ min: 1, max: 80 }).optional(),
});

export const createPlatformAdminOutputSchema = z.object({
  userId: z.string(),
  email: z.string(),
  userCreated: z.boolean(),
  roleGranted: z.boolean(),
  passwordSetupEmail: z.enum(["sent", "failed", "not_needed"]),
});

export const listPlatformUsersInputSchema = z.object({
  cursor: entityIdSchema.nullish(),
  limit: z.number().int().min(1).max(PLATFORM_USERS_PAGE_MAX).optional(),
});

export const listPlatformUsersOutputSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      email: z.string(),
      createdAt: z.date(),
      emailVerified: z.boolean(),
      twoFactorEnabled: z.boolean(),
      platformRoles: z.array(z.string()),
      membershipCount: z.number().int(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const platformStatusOutputSchema = z.object({
  staff: z.boolean(),
  roles: z.array(z.string()),
  emailAllowed: z.boolean(),
  twoFactorEnabled: z.boolean(),
  membershipCount: z.number().int(),
});
