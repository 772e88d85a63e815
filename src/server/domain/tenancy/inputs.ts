// What the workspace, team and invitation forms send: validated in the browser (react-hook-form) and
// again by the procedures. Client-safe: no server imports.
import { z } from "@/lib/zod";
import { locales } from "@/i18n/routing";
import { plainText } from "@/server/domain/validation";

export const workspaceNameSchema = plainText({ min: 1, max: 80 });

/** What the delete form sends: the workspace's name, typed by the owner. Compared exactly (after trimming). */
export const deleteConfirmationSchema = plainText({ min: 1, max: 200 });

export const teamIdSchema = z.uuid("Not a team id");
export const teamNameSchema = plainText({ min: 1, max: 60 });

export const invitationEmailSchema = z.string().trim().toLowerCase().pipe(z.email().max(254));

/** A built-in role or a custom role key; whether it exists in the tenant is checked against the database. */
export const invitationRoleSchema = plainText({ min: 1, max: 64 });

export const memberTypeSchema = z.enum(["member", "guest"]);
export type MemberType = z.infer<typeof memberTypeSchema>;

export const createInvitationInputSchema = z.object({
  email: invitationEmailSchema,
  role: invitationRoleSchema,
  memberType: memberTypeSchema.default("member"),
  /** The language of the email; the inviter's locale when omitted. */
  locale: z.enum(locales).optional(),
});
export type CreateInvitationFields = z.infer<typeof createInvitationInputSchema>;
