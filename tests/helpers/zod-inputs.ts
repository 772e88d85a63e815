/**
 * Builds inputs for a procedure from its zod input schemas (procedure._def.inputs), so tests that
 * enumerate appRouter can call procedures added later without knowing them. Every field gets a
 * valid-looking value; `fill` decides the value of id-like fields.
 */

interface ZodLike {
  _zod: { def: Record<string, unknown> & { type: string } };
}

const isZod = (s: unknown): s is ZodLike => typeof s === "object" && s !== null && "_zod" in s;

/** Field names that carry an identifier of something: `id`, `tenantId`, `memberId`, ... and role keys. */
export function isIdLikeKey(key: string): boolean {
  return /id$/i.test(key) || key === "role" || key === "key";
}

const defOf = (schema: unknown) => (isZod(schema) ? schema._zod.def : undefined);

/** True when the schema (through optional/default/pipe wrappers) is a string with an id-ish format. */
function isIdFormat(schema: unknown): boolean {
  const def = defOf(schema);
  if (!def) return false;
  if (def.type === "optional" || def.type === "nullable" || def.type === "default") return isIdFormat(def.innerType);
  if (def.type === "pipe") return isIdFormat(def.in);
  return def.type === "string" && ["uuid", "guid", "cuid", "cuid2", "ulid", "nanoid"].includes(String(def.format));
}

export interface SampleOptions {
  /** Value for an id-like field (by name or format); undefined = treat it as a plain string. */
  fill: (key: string) => unknown;
  /** Value for a plain string field. */
  text: (key: string) => string;
}

/** A value the schema should accept (modulo id contents), for the field called `key`. */
export function sampleFor(schema: unknown, key: string, opts: SampleOptions): unknown {
  const def = defOf(schema);
  if (!def) return opts.text(key);
  switch (def.type) {
    case "object": {
      const shape = def.shape as Record<string, unknown>;
      return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, sampleFor(v, k, opts)]));
    }
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "nonoptional":
    case "catch":
      return sampleFor(def.innerType, key, opts);
    case "pipe":
      return sampleFor(def.in, key, opts);
    case "string": {
      if (isIdLikeKey(key) || isIdFormat(schema)) {
        const v = opts.fill(key);
        if (v !== undefined) return v;
      }
      if (def.format === "email") return "isolation-probe@example.com";
      if (def.format === "url") return "https://example.com/";
      return opts.text(key);
    }
    case "email":
      return "isolation-probe@example.com";
    case "enum":
      return Object.values(def.entries as Record<string, unknown>)[0];
    case "literal":
      return (def.values as unknown[])[0];
    case "boolean":
      return false;
    case "number":
    case "int":
      return 1;
    case "bigint":
      return 1n;
    case "date":
      return new Date();
    case "array":
      return [];
    case "record":
      return {};
    case "union":
      return sampleFor((def.options as unknown[])[0], key, opts);
    case "intersection":
      return { ...(sampleFor(def.left, key, opts) as object), ...(sampleFor(def.right, key, opts) as object) };
    default:
      return opts.text(key);
  }
}

/** Paths (top level and nested, dotted) of the id-like fields of an object schema. */
export function idLikePaths(schema: unknown, prefix = ""): string[] {
  const def = defOf(schema);
  if (!def) return [];
  if (["optional", "nullable", "default", "prefault", "readonly", "nonoptional", "catch"].includes(def.type)) {
    return idLikePaths(def.innerType, prefix);
  }
  if (def.type === "pipe") return idLikePaths(def.in, prefix);
  if (def.type !== "object") return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${k}` : k;
    const inner = defOf(v);
    const nested = idLikePaths(v, path);
    if (nested.length > 0) out.push(...nested);
    else if (inner && (isIdLikeKey(k) || isIdFormat(v))) out.push(path);
  }
  return out;
}

/** One input object from all of a procedure's input schemas (tRPC merges chained .input() objects). */
export function sampleInput(inputs: unknown[], opts: SampleOptions): unknown {
  if (inputs.length === 0) return undefined;
  const parts = inputs.map((schema) => sampleFor(schema, "", opts));
  if (parts.every((p) => typeof p === "object" && p !== null && !Array.isArray(p))) return Object.assign({}, ...parts);
  return parts[0];
}
