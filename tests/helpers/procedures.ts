import type { AnyTRPCRouter } from "@trpc/server";

export interface ProcedureInfo {
  /** Dotted path, e.g. "projects.rename". */
  path: string;
  type: "query" | "mutation" | "subscription";
  /** The input parsers (zod schemas) chained with .input(); empty for procedures without input. */
  inputs: unknown[];
  meta: Record<string, unknown> | undefined;
}

interface ProcedureDef {
  type: ProcedureInfo["type"];
  inputs?: unknown[];
  meta?: Record<string, unknown>;
}

/** Every procedure of a router, found at run time: procedures added later are covered automatically. */
export function listProcedures(router: AnyTRPCRouter): ProcedureInfo[] {
  const procedures = router._def.procedures as Record<string, { _def: ProcedureDef }>;
  return Object.entries(procedures)
    .map(([path, proc]) => ({ path, type: proc._def.type, inputs: proc._def.inputs ?? [], meta: proc._def.meta }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** Calls `path` on a server-side caller, e.g. callProcedure(caller, "projects.get", { id }). */
export function callProcedure(caller: unknown, path: string, input: unknown): Promise<unknown> {
  const segments = path.split(".");
  const method = segments.pop()!;
  let node = caller as Record<string, unknown>;
  for (const segment of segments) node = node[segment] as Record<string, unknown>;
  // Through the caller's proxy, as the app would call it (input, middlewares, error formatting).
  return Promise.resolve().then(() => (node[method] as (input: unknown) => Promise<unknown>)(input));
}
