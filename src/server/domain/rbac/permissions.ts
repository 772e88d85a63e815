// The permission matrix: resource -> actions, and each built-in role as a set of them.
// The server's tenantProcedure and the UI's can() both read this file, so what a button
// offers and what the server allows cannot drift apart.

export const statements = {
  project: ["create", "read", "update", "delete"],
  tenant: ["read", "update", "delete"],
  member: ["read", "invite", "update", "remove"],
  billing: ["read", "manage"],
  usage: ["read"],
} as const;

export type Resource = keyof typeof statements;
export type Permission = { [R in Resource]: `${R}:${(typeof statements)[R][number]}` }[Resource];

export const builtInRoles = ["owner", "admin", "member", "guest"] as const;
export type BuiltInRole = (typeof builtInRoles)[number];

const all = (Object.keys(statements) as Resource[]).flatMap((r) =>
  statements[r].map((a) => `${r}:${a}` as Permission),
);

export const rolePermissions: Record<BuiltInRole, readonly Permission[]> = {
  owner: all,
  admin: all.filter((p) => p !== "tenant:delete"),
  member: ["project:create", "project:read", "project:update", "project:delete", "tenant:read", "member:read", "usage:read", "billing:read"],
  // Guests work inside projects they are given but never see the tenant's people or money.
  guest: ["project:read", "project:update", "tenant:read"],
};

export function isBuiltInRole(role: string): role is BuiltInRole {
  return (builtInRoles as readonly string[]).includes(role);
}

/** May a member with this role do this? Unknown roles may do nothing. */
export function can(role: string, permission: Permission): boolean {
  return isBuiltInRole(role) && rolePermissions[role].includes(permission);
}
