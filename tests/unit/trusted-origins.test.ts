/** The origins the API routes and Better Auth trust (src/server/http/cross-site.ts): loopback aliases in development only. */
import { describe, expect, it } from "vitest";
import { trustedOriginsFor } from "@/server/http/cross-site";

const LOOPBACK_3000 = ["http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000"];

describe("trustedOriginsFor", () => {
  it("in development trusts localhost, 127.0.0.1 and [::1] on the dev port", () => {
    expect(trustedOriginsFor({ appUrl: "http://localhost:3000", nodeEnv: "development" }).sort()).toEqual([...LOOPBACK_3000].sort());
    // The dev launcher passes the port next dev listens on.
    expect(trustedOriginsFor({ appUrl: "http://localhost:4100", nodeEnv: "development", port: "4100" })).toEqual(
      expect.arrayContaining(["http://localhost:4100", "http://127.0.0.1:4100", "http://[::1]:4100"]),
    );
  });

  it("in development trusts no other port and no other host", () => {
    const origins = trustedOriginsFor({ appUrl: "http://localhost:3000", nodeEnv: "development", port: "3000" });
    for (const other of ["http://localhost:4000", "http://127.0.0.1:3001", "https://127.0.0.1:3000", "http://192.168.1.20:3000", "http://0.0.0.0:3000", "http://127.0.0.2:3000"]) {
      expect(origins, other).not.toContain(other);
    }
  });

  it("keeps APP_URL's origin when it is not a loopback one (a tunnel), and adds the loopback names on PORT", () => {
    const origins = trustedOriginsFor({ appUrl: "https://dev-tunnel.example.com", nodeEnv: "development", port: "3000" });
    expect(origins.sort()).toEqual(["https://dev-tunnel.example.com", ...LOOPBACK_3000].sort());
  });

  it("in production and tests trusts APP_URL's origin alone, whatever PORT says", () => {
    for (const nodeEnv of ["production", "test"]) {
      expect(trustedOriginsFor({ appUrl: "http://localhost:3000", nodeEnv, port: "3000" }), nodeEnv).toEqual(["http://localhost:3000"]);
      expect(trustedOriginsFor({ appUrl: "https://app.example.com/", nodeEnv }), nodeEnv).toEqual(["https://app.example.com"]);
    }
  });
});
