/**
 * Every locale file in messages/ has exactly the keys of messages/en.json (both directions), no
 * empty strings, and the same ICU placeholders ({name}, {count, plural, ...}) per message.
 * Reads the files from disk, so a new locale file is checked without touching this test.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
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

/**
 * The argument names of an ICU message: `{name}`, `{count, plural, one {# item} other {# items}}`,
 * `{d, date, short}`. Branch texts of plural/select are messages themselves and are scanned too;
 * quoted literals ('{') are skipped. Throws on unbalanced braces.
 */
function placeholders(message: string): string[] {
  const names = new Set<string>();
  let i = 0;
  const fail = (why: string) => {
    throw new Error(`${why} at ${i} in ${JSON.stringify(message)}`);
  };
  // Text until the closing "}" of the enclosing branch (or the end at top level).
  const text = (nested: boolean) => {
    while (i < message.length) {
      const c = message[i]!;
      if (c === "'" && (message[i + 1] === "{" || message[i + 1] === "}" || message[i + 1] === "'")) {
        const close = message.indexOf("'", i + 1);
        i = close === -1 ? message.length : close + 1;
      } else if (c === "{") {
        i++;
        argument();
      } else if (c === "}") {
        if (!nested) fail("Unbalanced }");
        return;
      } else i++;
    }
    if (nested) fail("Unclosed {");
  };
  const skipSpace = () => {
    while (/\s/.test(message[i] ?? "")) i++;
  };
  const word = () => {
    skipSpace();
    const start = i;
    while (i < message.length && !/[\s,{}]/.test(message[i]!)) i++;
    return message.slice(start, i);
  };
  const argument = () => {
    const name = word();
    if (!name) fail("Empty argument");
    names.add(name);
    skipSpace();
    if (message[i] === "}") return void i++;
    if (message[i] !== ",") fail("Expected , or }");
    i++;
    const type = word();
    skipSpace();
    if (["plural", "select", "selectordinal"].includes(type)) {
      if (message[i] !== ",") fail("Expected , after the type");
      i++;
      // selector {message} pairs (and plural's offset:n) until the closing brace
      for (;;) {
        skipSpace();
        if (message[i] === "}") return void i++;
        const selector = word();
        if (!selector) fail("Expected a selector");
        if (selector.startsWith("offset:")) continue;
        skipSpace();
        if (message[i] !== "{") fail("Expected { after a selector");
        i++;
        text(true);
        i++; // the branch's }
      }
    }
    // number / date / time with an optional style: skip to the matching brace
    let depth = 1;
    while (i < message.length && depth > 0) {
      if (message[i] === "{") depth++;
      else if (message[i] === "}") depth--;
      i++;
    }
    if (depth > 0) fail("Unclosed {");
  };
  text(false);
  return [...names].sort();
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
