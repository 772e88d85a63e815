/**
 * The seams between layers, checked on every import in src/ (static, dynamic and type-only):
 * - domain code never imports a vendor SDK (any package a provider imports, other than shared ones like
 *   zod), and reaches a provider only through its category's entry (`providers/<category>` or its
 *   `types`), never a provider's internals;
 * - providers never import domain code (the two reasoned exceptions are listed below);
 * - components never import from src/app (routes pass server actions down as props).
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve("src");
const SHARED_PACKAGES = new Set(["zod", "react"]);
/**
 * Provider -> domain imports that are allowed, and why. The local payment simulator delivers its
 * webhooks as jobs, like every side effect of the app (the job runtime), and sells the app's own plan
 * catalogue, as Dodo sells what its dashboard lists.
 */
const PROVIDER_TO_DOMAIN_ALLOWED: Readonly<Record<string, string>> = {
  "server/providers/payments/simulator/deliver.ts -> @/server/domain/jobs": "the job runtime its deliveries run on",
  "server/providers/payments/simulator/catalog.ts -> @/server/domain/plans/plans": "the plan catalogue it sells",
};

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : filesUnder(full);
    return /\.(ts|tsx)$/.test(entry.name) ? [full] : [];
  });
}

/** Every module specifier a file imports or re-exports (static, `import type`, dynamic `import()`). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']/gms),
    ...text.matchAll(/^\s*import\s+["']([^"']+)["']/gm),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ];
  return specifiers.map((m) => m[1]!);
}

const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join("/");
const packageOf = (specifier: string) => (specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!);
const isPackage = (specifier: string) => !specifier.startsWith(".") && !specifier.startsWith("@/") && !specifier.startsWith("@emails/") && !specifier.startsWith("node:");

const files = filesUnder(ROOT);
const domainFiles = files.filter((f) => rel(f).startsWith("server/domain/"));
const providerFiles = files.filter((f) => rel(f).startsWith("server/providers/"));

/** The vendor SDKs: every package a provider imports that is not shared by the whole app. */
const vendorPackages = new Set(providerFiles.flatMap((f) => importsOf(f).filter(isPackage).map(packageOf)).filter((p) => !SHARED_PACKAGES.has(p)));

describe("layer boundaries", () => {
  it("knows the vendor SDKs the providers wrap", () => {
    expect([...vendorPackages]).toEqual(expect.arrayContaining(["dodopayments", "resend", "@trigger.dev/sdk", "web-push", "standardwebhooks"]));
  });

  it("domain code imports no vendor SDK, not even its types", () => {
    const offending = domainFiles.flatMap((f) => importsOf(f).filter((s) => isPackage(s) && vendorPackages.has(packageOf(s))).map((s) => `${rel(f)} -> ${s}`));
    expect(offending).toEqual([]);
  });

  it("domain code reaches a provider only through its category's entry or types", () => {
    const offending = domainFiles.flatMap((f) =>
      importsOf(f)
        .filter((s) => s.startsWith("@/server/providers/") && !/^@\/server\/providers\/[a-z-]+(\/types)?$/.test(s))
        .map((s) => `${rel(f)} -> ${s}`),
    );
    expect(offending).toEqual([]);
  });

  it("providers import no domain code (beyond the reasoned exceptions)", () => {
    const found = providerFiles.flatMap((f) => importsOf(f).filter((s) => s.startsWith("@/server/domain")).map((s) => `${rel(f)} -> ${s}`));
    expect(found.filter((edge) => !(edge in PROVIDER_TO_DOMAIN_ALLOWED))).toEqual([]);
    // An exception that is no longer needed is removed from the list.
    expect(Object.keys(PROVIDER_TO_DOMAIN_ALLOWED).filter((edge) => !found.includes(edge))).toEqual([]);
  });

  it("components import nothing from src/app", () => {
    const offending = files
      .filter((f) => rel(f).startsWith("components/"))
      .flatMap((f) => importsOf(f).filter((s) => s.startsWith("@/app/")).map((s) => `${rel(f)} -> ${s}`));
    expect(offending).toEqual([]);
  });
});
