import { describe, expect, it } from "vitest";
import { errorMessageKey } from "./error-text";

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
