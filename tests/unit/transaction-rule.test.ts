/**
 * The transaction rule (issue 12, item 4), read from the source: routers never open a transaction (use
 * cases own theirs: inTransaction / transactional in src/server/db/transaction.ts), and every advisory
 * lock is taken through src/server/db/locks.ts, where the namespaces are listed once.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".test.ts"))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.startsWith(path.join("src", "generated")));
}

const read = (file: string) => readFileSync(path.join(root, file), "utf8");

describe("one transaction rule", () => {
  it("no router opens a transaction", () => {
    const offenders = sourceFiles("src/server/api").filter((file) => /\$transaction|inTransaction\(/.test(read(file)));
    expect(offenders).toEqual([]);
  });

  it("advisory locks are taken only through src/server/db/locks.ts", () => {
    // migrate.ts takes Prisma's own session lock for `prisma migrate` compatibility.
    const allowed = new Set(["src/server/db/locks.ts", "src/server/db/migrate.ts"]);
    const offenders = sourceFiles("src").filter((file) => !allowed.has(file) && /pg_advisory/.test(read(file)));
    expect(offenders).toEqual([]);
  });
});
