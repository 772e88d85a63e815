import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: {
    // The tsconfig paths (@/*, @emails/*, @messages/*).
    alias: [
      { find: /^@\/(.*)$/, replacement: `${path.join(root, "src")}/$1` },
      { find: /^@emails\/(.*)$/, replacement: `${path.join(root, "emails")}/$1` },
      { find: /^@messages\/(.*)$/, replacement: `${path.join(root, "messages")}/$1` },
    ],
  },
  test: {
    environment: "node",
    // Child processes, one module graph per test file: the Prisma singleton reads DATABASE_URL at
    // import, and tests may chdir (auth-secret).
    pool: "forks",
    isolate: true,
    // Integration tests mostly wait on PostgreSQL: two workers even on a 2-core machine (vitest's
    // default there is one) cut the run from ~19 s to ~12 s.
    maxWorkers: Math.max(2, os.availableParallelism()),
    testTimeout: 20_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts", "src/**/*.test.ts"],
          // next-intl's ESM imports "next/server" without an extension, which Node's resolver refuses
          // (next has no exports map): bundled by Vite, the proxy's test can import it.
          server: { deps: { inline: ["next-intl"] } },
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          // Everything under tests/ except the unit tests (tests/integration, tests/launcher, ...).
          include: ["tests/**/*.test.ts"],
          exclude: ["tests/unit/**"],
          // One real PostgreSQL server for the run (TEST_DATABASE_URL / DATABASE_URL, or a throw-away
          // embedded one) with a migrated template database; each test file gets its own copy.
          globalSetup: ["tests/setup/global-setup.ts"],
          setupFiles: ["tests/setup/per-file-db.ts"],
        },
      },
    ],
  },
});
