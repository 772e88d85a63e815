import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { messages } from "@/i18n/messages";
import type { Locale } from "@/i18n/routing";
import { errorMessageKey, errorText, type ErrorTranslator } from "./error-text";

describe("errorMessageKey", () => {
  it("prefers the domain's own code", () => {
    expect(errorMessageKey({ data: { appCode: "LIMIT_REACHED", code: "FORBIDDEN", httpStatus: 403 } })).toBe("LIMIT_REACHED");
  });

  it("explains Better Auth's codes in our words", () => {
    expect(errorMessageKey({ code: "INVALID_EMAIL_OR_PASSWORD", status: 401 })).toBe("INVALID_CREDENTIALS");
  });

  it("a 429 from tRPC or Better Auth is RATE_LIMITED", () => {
    expect(errorMessageKey({ status: 429 })).toBe("RATE_LIMITED");
    expect(errorMessageKey({ data: { code: "TOO_MANY_REQUESTS", httpStatus: 429 } })).toBe("RATE_LIMITED");
  });

  it("a busy database's 503 says to retry, not 'something went wrong'", () => {
    expect(errorMessageKey({ data: { code: "SERVICE_UNAVAILABLE", httpStatus: 503 } })).toBe("SERVICE_BUSY");
    expect(errorMessageKey({ status: 503 })).toBe("SERVICE_BUSY");
    // A payment provider outage keeps its own message.
    expect(errorMessageKey({ data: { appCode: "PAYMENT_PROVIDER_UNAVAILABLE", code: "SERVICE_UNAVAILABLE", httpStatus: 503 } })).toBe(
      "PAYMENT_PROVIDER_UNAVAILABLE",
    );
  });

  it("an unknown failure has no key (the generic sentence)", () => {
    expect(errorMessageKey({ data: { code: "INTERNAL_SERVER_ERROR", httpStatus: 500 } })).toBeNull();
    expect(errorMessageKey(null)).toBeNull();
  });
});

describe("errorText", () => {
  const translator = (locale: Locale) => createTranslator({ locale, messages: messages[locale], namespace: "errors" }) as unknown as ErrorTranslator;
  const roleStillHeld = {
    data: { appCode: "CONFLICT", code: "CONFLICT", httpStatus: 409, userMessage: { key: "roles.stillHeld", params: { count: 2, role: "Analyst" } } },
  };

  it("shows the server's own message with its arguments, not the code's", () => {
    expect(errorText(translator("en"), "generic", roleStillHeld)).toBe(
      "2 members still hold the role “Analyst”. Give each of them another role first.",
    );
    expect(errorText(translator("de"), "generic", roleStillHeld)).toBe(
      "2 Mitglieder haben noch die Rolle „Analyst“. Geben Sie jedem von ihnen zuerst eine andere Rolle.",
    );
    const one = { data: { ...roleStillHeld.data, userMessage: { key: "roles.stillHeld", params: { count: 1, role: "Analyst" } } } };
    expect(errorText(translator("en"), "generic", one)).toMatch(/^1 member still holds the role “Analyst”\. Give them/);
  });

  it("formats dates and numbers in the reader's language", () => {
    const canceled = { data: { appCode: "CONFLICT", userMessage: { key: "billing.alreadyCanceledEnds", params: { date: new Date("2026-03-31T12:00:00Z") } } } };
    expect(errorText(translator("en"), "generic", canceled)).toBe("The subscription is already canceled and ends on Mar 31, 2026.");
    expect(errorText(translator("de"), "generic", canceled)).toBe("Das Abonnement ist bereits gekündigt und endet am 31. März 2026.");
  });

  it("falls back to the code's sentence, then to the generic one", () => {
    expect(errorText(translator("en"), "generic", { data: { appCode: "CONFLICT", userMessage: { key: "no.such", params: {} } } })).toBe("That already exists.");
    expect(errorText(translator("en"), "generic", { code: "INVALID_EMAIL_OR_PASSWORD", status: 401 })).toBe("The email or password is not correct.");
    expect(errorText(translator("en"), "generic", { data: { code: "INTERNAL_SERVER_ERROR", httpStatus: 500 } })).toBe("generic");
  });
});
