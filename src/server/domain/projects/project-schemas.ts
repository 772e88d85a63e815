import { z } from "zod";
import type { SameShape } from "@/server/domain/validation";
import type { listProjects } from "./projects";

/** A project as procedures return it (projects.list, get, create, rename). */
export const projectSchema = z.object({ id: z.string(), name: z.string(), createdAt: z.date(), updatedAt: z.date() });
export const projectListSchema = z.array(projectSchema);

true satisfies SameShape<z.output<typeof projectListSchema>, Awaited<ReturnType<typeof listProjects>>>;
