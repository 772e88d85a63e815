/**
 * Every locale file in messages/ has exactly the keys of messages/en.json (both directions), no
 * empty strings, and the same ICU placeholders ({name}, {count, plural, ...}) per message.
 * Reads the files from disk, so a new locale file is checked without touching this test.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { placeholders } from "./icu-placeholders";
import { locales } from "./routing";

const MESSAGES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../messages");

type Tree = { [key: string]: Tree | string };

function load(locale: string): Tree {
  return JSON.parse(fs.readFileSync(path.join(MESSAGES_DIR, `${locale}.json`), "utf8")) as Tree;
}

/** "a.b.c" -> value, for every leaf; non-string, non-object leaves are reported as they are. */
function flatten(tree: unknown, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (tree === null || typeof tree !== "object" || Array.isArray(tree)) {
    out.set(prefix, tree);
    return out;
  }
  const entries = Object.entries(tree as Record<string, unknown>);
  if (entries.length === 0 && prefix) out.set(prefix, tree); // an empty namespace is a leaf without text
  for (const [key, value] of entries) {
    const at = prefix ? `${prefix}.${key}` : key;
    for (const [k, v] of flatten(value, at)) out.set(k, v);
  }
  return out;
}

const localeFiles = fs
  .readdirSync(MESSAGES_DIR)
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.replace(/\.json$/, ""))
  .sort();
const others = localeFiles.filter((l) => l !== "en");
const en = flatten(load("en"));

describe("message catalogs", () => {
  it("has one file per configured locale, and no stray ones", () => {
    expect(localeFiles).toEqual([...locales].sort());
  });

  it("helpers: flatten and placeholders", () => {
    expect([...flatten({ a: { b: "x", c: { d: "y" } }, e: "z" }).keys()]).toEqual(["a.b", "a.c.d", "e"]);
    expect(placeholders("Hi {name}, {count, plural, one {# item} other {# items of {owner}}} on {d, date, short} '{literal}'")).toEqual([
      "count",
      "d",
      "name",
      "owner",
    ]);
    expect(placeholders("{kind, select, user {a person} other {something}}")).toEqual(["kind"]);
    expect(placeholders("No arguments, only quoted braces: '{x}' and it''s fine")).toEqual([]);
    expect(() => placeholders("Broken {name")).toThrow();
    expect(() => placeholders("Broken {count, plural, one {x}")).toThrow();
  });

  it("en.json has no empty or non-string messages", () => {
    const bad = [...en].filter(([, v]) => typeof v !== "string" || v.trim() === "").map(([k]) => k);
    expect(bad).toEqual([]);
  });

  describe.each(others)("%s.json", (locale) => {
    const other = flatten(load(locale));

    it("has every key of en.json", () => {
      expect([...en.keys()].filter((k) => !other.has(k))).toEqual([]);
    });

    it("has no key that en.json lacks", () => {
      expect([...other.keys()].filter((k) => !en.has(k))).toEqual([]);
    });

    it("has no empty or non-string messages", () => {
      const bad = [...other].filter(([, v]) => typeof v !== "string" || v.trim() === "").map(([k]) => k);
      expect(bad).toEqual([]);
    });

    it("uses the same ICU placeholders as en.json in every message", () => {
      const mismatches = [...en]
        .filter(([k, v]) => typeof v === "string" && typeof other.get(k) === "string")
        .map(([k, v]) => ({ key: k, en: placeholders(v as string), [locale]: placeholders(other.get(k) as string) }))
        .filter((m) => JSON.stringify(m.en) !== JSON.stringify(m[locale]));
      expect(mismatches).toEqual([]);
    });
  });
});
