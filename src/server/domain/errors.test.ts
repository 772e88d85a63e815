/**
 * Every message key the server puts on an AppError (the keys thrown anywhere in src/server, read from the
 * source) is in ERROR_MESSAGES, and every key there has its sentence in each locale file under errors.<key>,
 * with exactly the ICU arguments the server sends, translated (not the English text copied). A key nobody
 * throws any more fails too, so the catalogue does not rot.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { placeholders } from "@/i18n/icu-placeholders";
import { messages } from "@/i18n/messages";
import { locales } from "@/i18n/routing";
import { AppError, ERROR_MESSAGES, notFound, type ErrorMessageKey } from "./errors";

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** `key: "roles.stillHeld"` literals and `notFound("role")` calls in the server's source. */
function keysThrownInSource(): Set<string> {
  const keys = new Set<string>();
  for (const file of sourceFiles(SERVER_DIR)) {
    const source = fs.readFileSync(file, "utf8");
    for (const m of source.matchAll(/\bkey:\s*"([a-zA-Z]+\.[a-zA-Z]+)"/g)) keys.add(m[1]!);
    for (const m of source.matchAll(/\bnotFound\("([a-zA-Z]+)"\)/g)) keys.add(`notFound.${m[1]}`);
  }
  return keys;
}

const registered = Object.keys(ERROR_MESSAGES) as ErrorMessageKey[];

function messageAt(locale: (typeof locales)[number], key: string): unknown {
  return key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], messages[locale].errors);
}

describe("AppError messages", () => {
  const thrown = keysThrownInSource();

  it("finds the keys in the source (the scan itself works)", () => {
    expect(thrown).toContain("roles.stillHeld");
    expect(thrown).toContain("notFound.project");
    expect(thrown.size).toBeGreaterThan(50);
  });

  it("every key thrown in src/server is registered in ERROR_MESSAGES", () => {
    expect([...thrown].filter((k) => !(k in ERROR_MESSAGES)).sort()).toEqual([]);
  });

  it("every registered key is thrown somewhere (no stale sentences)", () => {
    expect(registered.filter((k) => !thrown.has(k)).sort()).toEqual([]);
  });

  describe.each(locales)("%s.json", (locale) => {
    it("has a sentence for every key", () => {
      expect(registered.filter((k) => typeof messageAt(locale, k) !== "string" || !(messageAt(locale, k) as string).trim())).toEqual([]);
    });

    it("uses exactly the arguments the server sends", () => {
      const mismatches = registered
        .map((key) => ({ key, sent: [...ERROR_MESSAGES[key]].sort(), used: placeholders(String(messageAt(locale, key) ?? "")) }))
        .filter((m) => JSON.stringify(m.sent) !== JSON.stringify(m.used));
      expect(mismatches).toEqual([]);
    });
  });

  it("the German sentences are translations, not the English ones", () => {
    expect(registered.filter((k) => messageAt("de", k) === messageAt("en", k))).toEqual([]);
  });

  it("an AppError carries its key, arguments and field; notFound names its thing", () => {
    const error = new AppError("CONFLICT", "2 members still hold the role", { key: "roles.stillHeld", params: { count: 2, role: "Analyst" } });
    expect(error.message).toBe("2 members still hold the role");
    expect(error.user).toEqual({ key: "roles.stillHeld", params: { count: 2, role: "Analyst" } });
    expect(notFound("role").user).toEqual({ key: "notFound.role" });
    expect(notFound("role").message).toBe("Role not found");
  });
});
