import { isIP } from "node:net";

// Which address a request came from, decided once at the edge of the app (scripts/start.ts through
// trusted-request.ts) and read everywhere else from the X-Forwarded-For header that edge wrote. Edit
// this file when a new kind of front proxy needs another way to name the client.

export interface ClientAddressInput {
  /** The TCP peer: the client itself, or the nearest proxy when one is in front. */
  socketAddress: string | undefined;
  /** X-Forwarded-For as received (Node joins repeated headers with ", "). */
  forwardedFor: string | readonly string[] | undefined;
  /** How many proxies in front of the app each append their peer to X-Forwarded-For (TRUSTED_PROXIES). */
  trustedProxies: number;
}

/**
 * One address in canonical text: ports and brackets dropped ("[2001:db8::1]:443", "203.0.113.9:5120"),
 * IPv4-mapped IPv6 as IPv4 ("::ffff:127.0.0.1" -> "127.0.0.1"), lowercase. Null for anything that is
 * not an IP address ("unknown", "", hostnames, garbage).
 */
export function normaliseAddress(raw: string): string | null {
  let value = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(value);
  if (mapped) value = mapped[1]!;
  return isIP(value) ? value.toLowerCase() : null;
}

/**
 * The client address we can vouch for. Each trusted proxy appends the peer it saw to X-Forwarded-For,
 * so in the chain [...X-Forwarded-For, socket] the entry `trustedProxies` places left of the socket is
 * what the outermost trusted proxy saw; everything further left was written by the client. With 0
 * proxies that is the socket (any X-Forwarded-For the client sent is ignored). When that entry is not
 * an address, the next one to its right (a proxy we trust) is used: never one further left. Null only
 * when nothing at or right of it is an address (a closed socket).
 */
export function trustedClientAddress({ socketAddress, forwardedFor, trustedProxies }: ClientAddressInput): string | null {
  const forwarded = trustedProxies > 0 ? splitForwardedFor(forwardedFor) : [];
  const chain = [...forwarded, socketAddress ?? ""];
  for (let i = Math.max(0, chain.length - 1 - trustedProxies); i < chain.length; i++) {
    const address = normaliseAddress(chain[i]!);
    if (address) return address;
  }
  return null;
}

function splitForwardedFor(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return (typeof value === "string" ? [value] : value).flatMap((v) => v.split(","));
}

/**
 * The client address of a request inside the app. `npm start` replaced X-Forwarded-For with the one
 * trusted address (Vercel's edge sets it to the client's), so the right-most entry is the one to use.
 * Null when there is none (a server-side caller, a test calling a handler directly).
 */
export function clientAddressFrom(headers: Headers): string | null {
  const entries = headers.get("x-forwarded-for")?.split(",") ?? [];
  const last = entries.at(-1);
  return last === undefined ? null : normaliseAddress(last);
}

/**
 * What a per-address rate limit counts: the address itself for IPv4, its /64 network for IPv6 (one
 * customer line gets a whole /64, so single IPv6 addresses cost an attacker nothing).
 */
export function rateLimitAddress(address: string): string {
  if (isIP(address) !== 6) return address;
  return `${expandIPv6(address).slice(0, 4).join(":")}::/64`;
}

function expandIPv6(address: string): string[] {
  const [head = "", tail] = address.split("%")[0]!.split("::") as [string, string | undefined];
  const groupsOf = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groupsOf(head);
  const right = tail === undefined ? [] : groupsOf(tail);
  // An embedded IPv4 tail ("64:ff9b::192.0.2.1") counts as two groups; only the first four matter here.
  const width = (groups: string[]) => groups.reduce((n, g) => n + (g.includes(".") ? 2 : 1), 0);
  const zeros = tail === undefined ? [] : Array<string>(Math.max(0, 8 - width(left) - width(right))).fill("0");
  return [...left, ...zeros, ...right].map((g) => (g.includes(".") ? g : g.padStart(4, "0").toLowerCase()));
}
