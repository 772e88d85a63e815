import { z } from "zod";
import type { SameShape } from "@/server/domain/validation";
import type { RoleListItem } from "./iam-roles";
import { allPermissions, type Permission } from "./permissions";

/** iamRoles.list: built-in then custom roles, each with its permissions and how many members hold it. */
export const roleListSchema = z.array(
  z.object({
    id: z.string().nullable(),
    key: z.string(),
    name: z.string(),
    description: z.string(),
    builtIn: z.boolean(),
    permissions: z.array(z.enum(allPermissions as [Permission, ...Permission[]])),
    memberCount: z.number(),
  }),
);
true satisfies SameShape<z.output<typeof roleListSchema>, RoleListItem[]>;
