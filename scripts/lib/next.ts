import { createRequire } from "node:module";
import { LauncherError } from "./cli";

/** next's CLI entry, run with this Node (no shell, no .bin shim: same on every OS). */
export function resolveNextBin(): string {
  return createRequire(import.meta.url).resolve("next/dist/bin/next");
}

export interface NextDevArgs {
  /** Arguments for `next dev`: the user's, plus --port when they gave none. */
  args: string[];
  port: number;
  hostname?: string;
}

/**
 * The port `next dev` will listen on: -p/--port from the extra CLI args (`npm run dev -- -p 4000`),
 * else PORT, else 3000. The user's own args are passed through unchanged.
 */
export function nextDevArgs(extra: string[], env: Record<string, string | undefined> = process.env): NextDevArgs {
  let port: number | undefined;
  let hostname: string | undefined;
  for (let i = 0; i < extra.length; i++) {
    const a = extra[i]!;
    const eq = a.indexOf("=");
    const [flag, inline] = a.startsWith("--") && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = () => inline ?? extra[++i];
    if (flag === "-p" || flag === "--port") port = Number(value());
    else if (flag === "-H" || flag === "--hostname") hostname = value();
  }
  if (port !== undefined) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new LauncherError(`"${String(port)}" is not a port number (next dev -p/--port).`);
    return { args: ["dev", ...extra], port, hostname };
  }
  const fromEnv = env.PORT?.trim() ? Number(env.PORT) : 3000;
  if (!Number.isInteger(fromEnv) || fromEnv < 0 || fromEnv > 65535) throw new LauncherError(`PORT="${env.PORT}" is not a port number.`);
  return { args: ["dev", ...extra, "--port", String(fromEnv)], port: fromEnv, hostname };
}
