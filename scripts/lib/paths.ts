import path from "node:path";
import { fileURLToPath } from "node:url";

/** The project folder (the one holding package.json), wherever the script was started from. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** A path relative to the project, for messages (".data/postgres" rather than an absolute path). */
export function relativeToProject(p: string): string {
  const rel = path.relative(projectRoot, p);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : p;
}
