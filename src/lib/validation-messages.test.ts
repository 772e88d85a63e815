/**
 * Zod issues of the forms' own schemas become validation.* sentences that exist in every locale, the
 * same in the browser (the resolver's error map) and on the server (the tRPC formatter's fieldIssues).
 */
import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { messages } from "@/i18n/messages";
import { locales } from "@/i18n/routing";
import { cancelSubscriptionInputSchema } from "@/server/domain/billing/inputs";
import { signUpInputSchema } from "@/server/domain/identity/inputs";
import { createInvitationInputSchema, teamNameSchema } from "@/server/domain/tenancy/inputs";
import { CUSTOM_VALIDATION_KEYS, validationMessageOf } from "./validation-messages";

const issuesOf = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error?.issues ?? [];
const byField = (schema: z.ZodType, value: unknown) =>
  Object.fromEntries(issuesOf(schema, value).map((issue) => [issue.path.join("."), validationMessageOf(issue)]));

describe("validationMessageOf", () => {
  it("words the sign-up form's issues by kind, with the limits as arguments", () => {
    expect(
      byField(signUpInputSchema, { name: "  ", email: "nope", password: "short", consents: { terms: false }, locale: "en" }),
    ).toEqual({
      name: { key: "validation.required", params: {} },
      email: { key: "validation.email", params: {} },
      password: { key: "validation.tooShort", params: { minimum: 8 } },
      "consents.terms": { key: "validation.mustBeChecked", params: {} },
    });
  });

  it("too long, control characters, a missing choice and a refinement with its own sentence", () => {
    expect(byField(z.object({ name: teamNameSchema }), { name: "x".repeat(61) })).toEqual({ name: { key: "validation.tooLong", params: { maximum: 60 } } });
    expect(byField(z.object({ name: teamNameSchema }), { name: "a\u0007b" })).toEqual({ name: { key: "validation.custom.controlCharacters", params: {} } });
    expect(byField(createInvitationInputSchema, { email: "a@example.com", role: "member", memberType: "boss" })).toEqual({
      memberType: { key: "validation.choose", params: {} },
    });
    expect(byField(cancelSubscriptionInputSchema, { reason: "other", details: "  " })).toEqual({
      details: { key: "validation.custom.cancelDetailsRequired", params: {} },
    });
    expect(byField(cancelSubscriptionInputSchema, { details: "" })).toEqual({ reason: { key: "validation.choose", params: {} } });
  });

  it.each(locales)("every sentence it can name exists in %s.json and fills its arguments", (locale) => {
    const t = createTranslator({ locale, messages: messages[locale] });
    const keys = [
      ...["required", "tooShort", "tooLong", "tooFew", "tooMany", "tooSmall", "tooBig", "email", "mustBeChecked", "choose", "invalid"].map((k) => `validation.${k}`),
      ...CUSTOM_VALIDATION_KEYS.map((k) => `validation.custom.${k}`),
    ];
    for (const key of keys) expect(t.has(key as never), key).toBe(true);
    expect(t("validation.tooShort" as never, { minimum: 8 } as never)).toMatch(/8/);
  });
});
