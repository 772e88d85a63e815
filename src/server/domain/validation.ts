import { z } from "@/lib/zod";
import { customIssue } from "@/lib/validation-messages";

// Input schemas carry rules, not sentences: the UI words each issue in the reader's language and the
// API in English, both from messages/*.json (src/lib/validation-messages.ts). Schemas a form validates
// with live in client-safe `inputs.ts` files next to their use cases.

// PostgreSQL refuses NUL bytes in text, and no name or label needs control characters: refuse
// them at the boundary so they are a clear 400, never a failed query.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** A single-line human-entered text, trimmed. */
export function plainText(opts: { min: number; max: number }) {
  return z
    .string()
    .trim()
    .min(opts.min)
    .max(opts.max)
    .refine((s) => !CONTROL_CHARACTERS.test(s), customIssue("controlCharacters"));
}

/** Ids Better Auth generates (32 url-safe characters) or our UUIDs. */
export const entityIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Not a valid id");

/**
 * true when A and B are assignable both ways. Output schemas check themselves against what their
 * procedure returns with `true satisfies SameShape<z.output<typeof schema>, Returned>`: a field the schema
 * lacks (zod would strip it from the answer, and the UI's types would lose it) or one it adds does not compile.
 */
export type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
