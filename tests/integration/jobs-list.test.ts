/**
 * Jobs are data: the runners (local runner, `npm run worker`, the dev launcher, the Trigger.dev tasks) run
 * the list in src/server/jobs.ts. A job defined in src/ but missing from that list would be queued and
 * then fail as "Unknown job" in production; this file finds every defineJob in src/ and fails instead.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { jobsByName, type JobDefinition } from "@/server/domain/jobs";
import { jobs } from "@/server/jobs";

const SRC = path.resolve("src");
const DEFINITION = /^export const (\w+) = defineJob\b/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** Every `defineJob(` call in src/ outside comments: the exported ones by name, any other by place. */
function jobDefinitionsInSource() {
  const exported: { file: string; name: string }[] = [];
  const elsewhere: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, "utf8");
    if (!text.includes("defineJob")) continue;
    text.split("\n").forEach((line, i) => {
      const code = line.trim();
      if (!/\bdefineJob\s*[<(]/.test(code) || /^(\/\/|\/\*|\*)/.test(code) || /function defineJob\b/.test(code)) return;
      const match = DEFINITION.exec(code);
      if (match) exported.push({ file, name: match[1]! });
      else elsewhere.push(`${path.relative(SRC, file)}:${i + 1}`);
    });
  }
  return { exported, elsewhere };
}

describe("the job list (src/server/jobs.ts)", () => {
  const { exported, elsewhere } = jobDefinitionsInSource();
  const listed = new Set<JobDefinition>(jobs);

  it("has every job defined in src/", async () => {
    expect(exported.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const { file, name } of exported) {
      const job = ((await import(file)) as Record<string, unknown>)[name];
      if (!listed.has(job as JobDefinition)) missing.push(`${name} (${path.relative(SRC, file)})`);
    }
    expect(missing, "add these to `jobs` in src/server/jobs.ts").toEqual([]);
    expect(exported).toHaveLength(jobs.length);
  });

  it("knows every definition: each is `export const <name> = defineJob(...)` at the top of its module", () => {
    expect(elsewhere).toEqual([]);
  });

  it("lists each job once, under a name no other job has", () => {
    expect(listed.size).toBe(jobs.length);
    expect(jobsByName(jobs).size).toBe(jobs.length);
  });
});
