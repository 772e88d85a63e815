// What the project forms send: validated in the browser (react-hook-form) and again by the procedures.
// Client-safe: no server imports.
import { z } from "@/lib/zod";
import { plainText } from "@/server/domain/validation";

export const projectNameSchema = plainText({ min: 1, max: 80 });
export const projectIdSchema = z.string().uuid("Not a project id");
