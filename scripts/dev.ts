/**
 * `npm run dev` (extra args go to next dev: `npm run dev -- -p 4000 --turbopack`).
 * Loads .env first: DATABASE_URL and EMBEDDED_PG_PORT there decide which database is used.
 * The launcher itself is scripts/lib/dev-launcher.ts.
 */
import { bootstrapScript } from "./lib/env";

bootstrapScript();
const { runCli } = await import("./lib/cli");
const { runDevLauncher } = await import("./lib/dev-launcher");
runCli("dev", () => runDevLauncher(process.argv.slice(2)));
