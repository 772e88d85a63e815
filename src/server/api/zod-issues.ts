import type { z } from "zod";
import { translatorFor } from "@/i18n/translator";
import { validationMessageOf } from "@/lib/validation-messages";

const english = translatorFor("en", "validation");

/** A zod issue in English, from the same catalogue the UI translates (API callers read zodError and the message). */
export function zodIssueText(issue: z.core.$ZodIssue): string {
  const { key, params } = validationMessageOf(issue);
  return english(key.slice("validation.".length) as never, params as never);
}

/** The issues of an invalid input, each with its field path as a form names it ("consents.terms"; "" for the whole input), key and English text. */
export function fieldIssuesOf(error: z.ZodError) {
  return error.issues.map((issue) => ({
    field: issue.path.filter((p) => typeof p !== "symbol").join("."),
    ...validationMessageOf(issue),
    text: zodIssueText(issue),
  }));
}
