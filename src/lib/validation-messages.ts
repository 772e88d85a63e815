import type { z } from "zod";

/**
 * Which validation.* message (messages/*.json) says what is wrong with one zod issue, and its ICU
 * arguments. The same on both sides: forms translate their own zod errors with it (src/components/form.tsx),
 * and the tRPC error formatter sends the server's input errors as these keys (data.fieldIssues).
 * Shared input schemas therefore carry no English messages of their own: a schema's message would win
 * over the translation. A refinement names its sentence in `params.key` (validation.custom.<key>).
 */
export type ValidationMessage = { key: `validation.${string}`; params: Record<string, string | number> };

/** The custom refinements with a sentence of their own: validation.custom.<key> in messages/*.json. */
export const CUSTOM_VALIDATION_KEYS = ["controlCharacters", "cancelDetailsRequired"] as const;
export type CustomValidationKey = (typeof CUSTOM_VALIDATION_KEYS)[number];

/** What a refinement passes to be translated: `.refine(check, customIssue("controlCharacters"))`. */
export const customIssue = (key: CustomValidationKey) => ({ params: { key } });

type Issue = Pick<z.core.$ZodIssue, "code"> & {
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  format?: string;
  values?: readonly unknown[];
  input?: unknown;
  params?: Record<string, unknown>;
};

const n = (v: number | bigint | undefined) => Number(v ?? 0);

export function validationMessageOf(issue: Issue): ValidationMessage {
  switch (issue.code) {
    case "too_small":
      if (issue.origin === "string") {
        return n(issue.minimum) <= 1 ? { key: "validation.required", params: {} } : { key: "validation.tooShort", params: { minimum: n(issue.minimum) } };
      }
      if (issue.origin === "array" || issue.origin === "set") return { key: "validation.tooFew", params: { minimum: n(issue.minimum) } };
      return { key: "validation.tooSmall", params: { minimum: n(issue.minimum) } };
    case "too_big":
      if (issue.origin === "string") return { key: "validation.tooLong", params: { maximum: n(issue.maximum) } };
      if (issue.origin === "array" || issue.origin === "set") return { key: "validation.tooMany", params: { maximum: n(issue.maximum) } };
      return { key: "validation.tooBig", params: { maximum: n(issue.maximum) } };
    case "invalid_format":
      return { key: issue.format === "email" ? "validation.email" : "validation.invalid", params: {} };
    case "invalid_type":
      return { key: issue.input === undefined || issue.input === null ? "validation.required" : "validation.invalid", params: {} };
    case "invalid_value":
      // z.literal(true): a box that must be ticked (the terms).
      if (issue.values?.length === 1 && issue.values[0] === true) return { key: "validation.mustBeChecked", params: {} };
      return { key: "validation.choose", params: {} };
    case "custom": {
      const key = issue.params?.key;
      if (typeof key === "string" && (CUSTOM_VALIDATION_KEYS as readonly string[]).includes(key)) return { key: `validation.custom.${key}`, params: {} };
      return { key: "validation.invalid", params: {} };
    }
    default:
      return { key: "validation.invalid", params: {} };
  }
}
