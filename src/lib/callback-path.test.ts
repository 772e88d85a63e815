import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./callback-path";

describe("safeCallbackPath", () => {
  it("keeps a path of the app, with its query", () => {
    expect(safeCallbackPath("/dev/mailbox")).toBe("/dev/mailbox");
    expect(safeCallbackPath("/dev/mailbox?to=a%40b.example")).toBe("/dev/mailbox?to=a%40b.example");
  });

  it("refuses anything that leaves the app or is not a path", () => {
    for (const raw of ["https://evil.example/x", "//evil.example", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)", "mailbox", "", "/api/auth/sign-out", undefined, ["/x"]]) {
      expect(safeCallbackPath(raw), String(raw)).toBeNull();
    }
  });
});
