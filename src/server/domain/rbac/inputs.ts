// What the roles form sends: validated in the browser (react-hook-form) and again by the procedures.
// Client-safe: no server imports.
import { z } from "@/lib/zod";
import { plainText } from "@/server/domain/validation";

export const roleNameSchema = plainText({ min: 1, max: 50 });
export const roleDescriptionSchema = plainText({ min: 0, max: 300 });
/** Checked against the matrix by normalizeRolePermissions (one place for the message). */
export const rolePermissionsSchema = z.array(z.string().max(64)).max(100);
export const roleIdSchema = z.uuid("Not a role id");
