/**
 * The client address the app trusts: the socket when clients connect directly, the entry the outermost
 * trusted proxy appended when proxies are in front, never one the client wrote itself.
 */
import { describe, expect, it } from "vitest";
import { clientAddressFrom, normaliseAddress, rateLimitAddress, trustedClientAddress } from "@/server/http/client-address";

const direct = (socketAddress: string | undefined, forwardedFor?: string | string[]) =>
  trustedClientAddress({ socketAddress, forwardedFor, trustedProxies: 0 });

describe("trustedClientAddress with no trusted proxy (clients connect to npm start)", () => {
  it("is the socket address", () => {
    expect(direct("203.0.113.7")).toBe("203.0.113.7");
  });

  it("ignores any X-Forwarded-For the client sent", () => {
    expect(direct("203.0.113.7", "198.51.100.1")).toBe("203.0.113.7");
    expect(direct("203.0.113.7", "198.51.100.1, 10.0.0.1")).toBe("203.0.113.7");
    expect(direct("203.0.113.7", ["198.51.100.1", "10.0.0.1"])).toBe("203.0.113.7");
    expect(direct("203.0.113.7", "not-an-ip")).toBe("203.0.113.7");
  });

  it("normalises the socket address: IPv4-mapped IPv6 becomes IPv4, IPv6 is lowercased", () => {
    expect(direct("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(direct("2001:DB8::1")).toBe("2001:db8::1");
    expect(direct("::1")).toBe("::1");
  });

  it("is null without a socket address, even if the client names one", () => {
    expect(direct(undefined, "198.51.100.1")).toBeNull();
    expect(direct("")).toBeNull();
  });
});

describe("trustedClientAddress behind N trusted proxies", () => {
  const behind = (trustedProxies: number, forwardedFor: string | undefined, socketAddress = "10.0.0.2") =>
    trustedClientAddress({ socketAddress, forwardedFor, trustedProxies });

  it("with one proxy: the entry that proxy appended (right-most), whatever the client put before it", () => {
    expect(behind(1, "203.0.113.7")).toBe("203.0.113.7");
    expect(behind(1, "198.51.100.1, 203.0.113.7")).toBe("203.0.113.7");
    expect(behind(1, "1.1.1.1, 2.2.2.2, 3.3.3.3, 203.0.113.7")).toBe("203.0.113.7");
  });

  it("with two proxies: the entry the outer proxy appended, not the client's", () => {
    // client -> outer proxy (appends the client) -> inner proxy 10.0.0.9 (appends the outer) -> app
    expect(behind(2, "198.51.100.1, 203.0.113.7, 10.0.0.9")).toBe("203.0.113.7");
    expect(behind(2, "203.0.113.7, 10.0.0.9")).toBe("203.0.113.7");
  });

  it("repeated headers count as one list", () => {
    expect(trustedClientAddress({ socketAddress: "10.0.0.2", forwardedFor: ["198.51.100.1", "203.0.113.7"], trustedProxies: 1 })).toBe(
      "203.0.113.7",
    );
  });

  it("a chain shorter than the proxies: the left-most entry, which a trusted hop wrote", () => {
    expect(behind(2, "203.0.113.7")).toBe("203.0.113.7");
    expect(behind(1, undefined)).toBe("10.0.0.2");
    expect(behind(3, "")).toBe("10.0.0.2");
  });

  it("garbage where the trusted entry should be: the next trusted hop to the right, never an entry further left", () => {
    expect(behind(1, "198.51.100.1, unknown")).toBe("10.0.0.2");
    expect(behind(2, "198.51.100.1, garbage, 10.0.0.9")).toBe("10.0.0.9");
    expect(behind(1, "198.51.100.1, ")).toBe("10.0.0.2");
    expect(behind(1, "%00<script>")).toBe("10.0.0.2");
  });

  it("IPv6 and ports as proxies write them", () => {
    expect(behind(1, "198.51.100.1, 2001:DB8::7")).toBe("2001:db8::7");
    expect(behind(1, "[2001:db8::7]:51234")).toBe("2001:db8::7");
    expect(behind(1, "203.0.113.7:51234")).toBe("203.0.113.7");
    expect(behind(1, "::ffff:203.0.113.7", "::1")).toBe("203.0.113.7");
  });
});

describe("normaliseAddress", () => {
  it("refuses what is not an IP address", () => {
    for (const v of ["", "unknown", "localhost", "example.com", "1.2.3", "1.2.3.4.5", "256.1.1.1", "::g", "[::1", "1.2.3.4:", "_hidden"]) {
      expect(normaliseAddress(v), v).toBeNull();
    }
  });
});

describe("clientAddressFrom (inside the app)", () => {
  it("reads the one address npm start wrote", () => {
    expect(clientAddressFrom(new Headers({ "x-forwarded-for": "203.0.113.7" }))).toBe("203.0.113.7");
  });

  it("takes the right-most entry if there are several", () => {
    expect(clientAddressFrom(new Headers({ "x-forwarded-for": "198.51.100.1, 203.0.113.7" }))).toBe("203.0.113.7");
  });

  it("is null without the header or with garbage in it", () => {
    expect(clientAddressFrom(new Headers())).toBeNull();
    expect(clientAddressFrom(new Headers({ "x-forwarded-for": "unknown" }))).toBeNull();
    expect(clientAddressFrom(new Headers({ "x-forwarded-for": "203.0.113.7, garbage" }))).toBeNull();
  });
});

describe("rateLimitAddress", () => {
  it("keeps IPv4 addresses and counts IPv6 per /64", () => {
    expect(rateLimitAddress("203.0.113.7")).toBe("203.0.113.7");
    expect(rateLimitAddress("2001:db8:1:2:aaaa::1")).toBe("2001:0db8:0001:0002::/64");
    expect(rateLimitAddress("2001:db8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:0db8:0001:0002::/64");
    expect(rateLimitAddress("2001:db8::1")).toBe("2001:0db8:0000:0000::/64");
    expect(rateLimitAddress("::1")).toBe("0000:0000:0000:0000::/64");
    expect(rateLimitAddress("fe80::1%eth0")).toBe("fe80:0000:0000:0000::/64");
  });
});
