// The permission matrix: resource -> actions, and each built-in role as a set of them.
// The server's tenantProcedure and the UI's can() both read this file, so what a button
// offers and what the server allows cannot drift apart. Custom roles (iam_roles) are sets
// of these same permissions.

export const statements = {
  project: ["create", "read", "update", "delete"],
  tenant: ["read", "update", "delete"],
  member: ["read", "invite", "update", "remove"],
  team: ["read", "manage"],
  role: ["read", "manage"],
  billing: ["read", "manage"],
  usage: ["read", "record"],
} as const;

export type Resource = keyof typeof statements;
export type Permission = { [R in Resource]: `${R}:${(typeof statements)[R][number]}` }[Resource];

export const allPermissions: readonly Permission[] = (Object.keys(statements) as Resource[]).flatMap((r) =>
  statements[r].map((a) => `${r}:${a}` as Permission),
);

export function isPermission(value: string): value is Permission {
  return (allPermissions as readonly string[]).includes(value);
}

export const builtInRoles = ["owner", "admin", "member", "guest"] as const;
export type BuiltInRole = (typeof builtInRoles)[number];

export const rolePermissions: Record<BuiltInRole, readonly Permission[]> = {
  owner: allPermissions,
  // Admins run the workspace but cannot delete it or hand out ownership.
  admin: allPermissions.filter((p) => p !== "tenant:delete"),
  member: [
    "project:create",
    "project:read",
    "project:update",
    "project:delete",
    "tenant:read",
    "member:read",
    "team:read",
    "role:read",
    "usage:read",
    "usage:record",
    "billing:read",
  ],
  // Guests work inside projects but never see the tenant's people or money.
  guest: ["project:read", "project:update", "tenant:read"],
};

/**
 * The most a guest membership may do, whatever role it is given: a custom role assigned to a guest
 * is cut down to this, so a guest can never be made an admin by accident.
 */
export const guestCeiling: readonly Permission[] = rolePermissions.guest;

export function isBuiltInRole(role: string): role is BuiltInRole {
  return (builtInRoles as readonly string[]).includes(role);
}

/** The permissions a membership holds, given its role's permission set and its member type. */
export function effectivePermissions(rolePerms: readonly Permission[], memberType: "member" | "guest"): Permission[] {
  return memberType === "guest" ? rolePerms.filter((p) => guestCeiling.includes(p)) : [...rolePerms];
}

/** The UI's and the server's one check. */
export function can(permissions: readonly Permission[], permission: Permission): boolean {
  return permissions.includes(permission);
}
