import { createRequire } from "node:module";
import { projectRoot } from "./paths";

type LoadEnvConfig = (dir: string, dev?: boolean, log?: { info: (...a: unknown[]) => void; error: (...a: unknown[]) => void }) => {
  loadedEnvFiles: { path: string }[];
};

/**
 * Runs first in every script: works from the project folder and loads .env files exactly as Next
 * does (`@next/env`: .env.development.local, .env.local, .env.development, .env; variables already in
 * the environment win), so DATABASE_URL or EMBEDDED_PG_PORT in .env mean the same to the scripts as
 * to the app. Must run before src/server/db/database-url.ts is imported (it reads both at import).
 */
export function bootstrapScript(): { envFiles: string[] } {
  process.chdir(projectRoot);
  const require = createRequire(import.meta.url);
  // @next/env ships with next (an exact dependency of it); resolve it from next's own folder.
  const nextRequire = createRequire(require.resolve("next/package.json"));
  const { loadEnvConfig } = nextRequire("@next/env") as { loadEnvConfig: LoadEnvConfig };
  const dev = process.env.NODE_ENV !== "production";
  const quiet = { info: () => undefined, error: (...a: unknown[]) => console.error(...a) };
  const { loadedEnvFiles } = loadEnvConfig(projectRoot, dev, quiet);
  return { envFiles: loadedEnvFiles.map((f) => f.path) };
}
