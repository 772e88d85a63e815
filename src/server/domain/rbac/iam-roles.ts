/**
 * Custom per-tenant roles (iam_roles): a named set of permissions from the matrix, stored under a
 * key that tenant_members.role refers to. Rules:
 * - permissions must be in the matrix; "tenant:delete" stays owner-only, so no custom role may hold it;
 *   "tenant:read" is always included (without it a member could not even open the workspace);
 * - the key is derived from the name once (renaming moves no memberships), unique per tenant and
 *   never a built-in role name; names are unique per tenant, case-insensitively, built-ins included;
 * - nobody but an owner may create, edit or delete a role holding permissions they do not hold
 *   themselves (otherwise role:manage would be a way to grant yourself anything);
 * - a role cannot be deleted while members hold it or pending invitations offer it.
 */
import { Prisma } from "@/generated/prisma/client";
import type { DbTx } from "@/server/db/client";
import { transactional } from "@/server/db/transaction";
import { recordAudit } from "@/server/domain/audit/record-audit";
import { AppError, notFound } from "@/server/domain/errors";
import { lockTenantSeats } from "@/server/domain/tenancy/seat-limits";
import { allPermissions, builtInRoles, isBuiltInRole, isPermission, rolePermissions, type BuiltInRole, type Permission } from "./permissions";
import { slugBase } from "@/server/domain/slug";

/** Who acts, as tenantProcedure resolved them. */
export interface TenantActor {
  userId: string;
  /** Their membership's role (built-in name or custom key). */
  role: string;
  /** Their effective permissions in the tenant. */
  permissions: readonly Permission[];
}

/** The actor as a tenant procedure's context knows them. */
export function tenantActor(ctx: { user: { id: string }; membership: { role: string }; permissions: readonly Permission[] }): TenantActor {
  return { userId: ctx.user.id, role: ctx.membership.role, permissions: ctx.permissions };
}

/** Permissions no custom role may hold. */
export const OWNER_ONLY_PERMISSIONS: readonly Permission[] = ["tenant:delete"];
/** Permissions every custom role holds. */
export const ALWAYS_GRANTED_PERMISSIONS: readonly Permission[] = ["tenant:read"];

export { roleDescriptionSchema, roleIdSchema, roleNameSchema, rolePermissionsSchema } from "./inputs";

const builtInRoleInfo: Record<BuiltInRole, { name: string; description: string }> = {
  owner: { name: "Owner", description: "Everything, including deleting the workspace and granting ownership" },
  admin: { name: "Admin", description: "Runs the workspace: people, roles, teams, billing; cannot delete it" },
  member: { name: "Member", description: "Works on projects and sees the workspace" },
  guest: { name: "Guest", description: "Works inside projects; never sees people or billing" },
};

/**
 * The permissions a custom role may be saved with: known, not owner-only, with the always-granted
 * ones added, deduplicated and in matrix order. INVALID_INPUT otherwise.
 */
export function normalizeRolePermissions(input: readonly string[]): Permission[] {
  const unknown = input.filter((p) => !isPermission(p));
  if (unknown.length > 0) {
    const names = unknown.slice(0, 5).join(", ");
    throw new AppError("INVALID_INPUT", `Unknown permission${unknown.length > 1 ? "s" : ""}: ${names}`, {
      key: "roles.unknownPermission",
      params: { permissions: names },
      field: "permissions",
    });
  }
  const ownerOnly = input.filter((p) => (OWNER_ONLY_PERMISSIONS as readonly string[]).includes(p));
  if (ownerOnly.length > 0) {
    throw new AppError("INVALID_INPUT", `${ownerOnly[0]} belongs to owners only and cannot be part of a custom role`, {
      key: "roles.ownerOnlyPermission",
      params: { permission: ownerOnly[0]! },
      field: "permissions",
    });
  }
  const wanted = new Set<string>([...input, ...ALWAYS_GRANTED_PERMISSIONS]);
  return allPermissions.filter((p) => wanted.has(p));
}

/** Non-owners can only hand out (or touch) what they hold themselves. */
export function assertWithinActor(actor: TenantActor, permissions: readonly Permission[], what: string): void {
  if (actor.role === "owner") return;
  const missing = permissions.filter((p) => !actor.permissions.includes(p));
  if (missing.length > 0) {
    const names = missing.slice(0, 3).join(", ");
    throw new AppError("FORBIDDEN", `You cannot ${what} with permissions you do not have yourself (${names})`, {
      key: "roles.beyondOwnPermissions",
      params: { permissions: names },
    });
  }
}

/** A key for tenant_members.role: slug of the name, never a built-in name, unique in the tenant. */
function baseKeyFor(name: string): string {
  return slugBase(name) || "role";
}

async function uniqueKey(db: DbTx, tenantId: string, name: string): Promise<string> {
  const base = baseKeyFor(name);
  const taken = new Set(
    (await db.iamRole.findMany({ where: { tenantId, key: { startsWith: base } }, select: { key: true } })).map((r) => r.key),
  );
  for (const role of builtInRoles) taken.add(role);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

async function assertNameFree(db: DbTx, tenantId: string, name: string, exceptId?: string) {
  if ((builtInRoles as readonly string[]).includes(name.toLowerCase())) {
    throw new AppError("CONFLICT", `"${name}" is a built-in role; choose another name`, { key: "roles.builtInName", params: { name }, field: "name" });
  }
  // Prisma's case-insensitive equals is an ILIKE on PostgreSQL ("%" and "_" match anything), so it
  // only narrows the candidates; the comparison itself is done here.
  const candidates = await db.iamRole.findMany({
    where: { tenantId, name: { equals: name, mode: "insensitive" }, ...(exceptId ? { id: { not: exceptId } } : {}) },
    select: { name: true },
  });
  if (candidates.some((r) => r.name.toLowerCase() === name.toLowerCase())) throw roleNameTaken(name);
}

const roleNameTaken = (name: string) =>
  new AppError("CONFLICT", `A role named "${name}" already exists`, { key: "roles.nameTaken", params: { name }, field: "name" });

/** The unique index caught a name taken meanwhile: said with the name (the generic fallback could not). */
function uniqueViolation(error: unknown, name: string): unknown {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return roleNameTaken(name);
  return error;
}

const customRoleSelect = { id: true, key: true, name: true, description: true, permissions: true, createdAt: true, updatedAt: true } as const;

export interface RoleListItem {
  /** null for built-in roles (they have no row). */
  id: string | null;
  /** What tenant_members.role stores. */
  key: string;
  name: string;
  description: string;
  builtIn: boolean;
  permissions: Permission[];
  memberCount: number;
}

/** Built-in roles (from the matrix) then the tenant's custom roles, each with how many members hold it. */
export async function listRoles(db: DbTx, input: { tenantId: string }): Promise<RoleListItem[]> {
  const [custom, counts] = await Promise.all([
    db.iamRole.findMany({ where: { tenantId: input.tenantId }, orderBy: { name: "asc" }, select: customRoleSelect }),
    db.tenantMember.groupBy({ by: ["role"], where: { tenantId: input.tenantId }, _count: { _all: true } }),
  ]);
  const memberCount = new Map(counts.map((c) => [c.role, c._count._all]));
  return [
    ...builtInRoles.map((role) => ({
      id: null,
      key: role,
      ...builtInRoleInfo[role],
      builtIn: true,
      permissions: [...rolePermissions[role]],
      memberCount: memberCount.get(role) ?? 0,
    })),
    ...custom.map((r) => ({
      id: r.id,
      key: r.key,
      name: r.name,
      description: r.description,
      builtIn: false,
      permissions: r.permissions.filter(isPermission),
      memberCount: memberCount.get(r.key) ?? 0,
    })),
  ];
}

export interface CreateRoleInput {
  tenantId: string;
  actor: TenantActor;
  name: string;
  description?: string;
  permissions: readonly string[];
}

export const createRole = transactional(async (db, input: CreateRoleInput) => {
  const permissions = normalizeRolePermissions(input.permissions);
  assertWithinActor(input.actor, permissions, "create a role");
  await lockTenantSeats(db, input.tenantId); // serialises key generation with other role changes
  await assertNameFree(db, input.tenantId, input.name);
  const key = await uniqueKey(db, input.tenantId, input.name);
  const role = await db.iamRole
    .create({
      data: { tenantId: input.tenantId, key, name: input.name, description: input.description ?? "", permissions },
      select: customRoleSelect,
    })
    .catch((e: unknown) => {
      throw uniqueViolation(e, input.name);
    });
  await recordAudit(db, {
    tenantId: input.tenantId,
    actorUserId: input.actor.userId,
    action: "role.created",
    targetType: "iam_role",
    targetId: role.id,
    metadata: { key, name: role.name, permissions },
  });
  return role;
});

async function getRoleOrThrow(db: DbTx, input: { tenantId: string; roleId: string }) {
  const role = await db.iamRole.findFirst({ where: { id: input.roleId, tenantId: input.tenantId }, select: customRoleSelect });
  if (!role) throw notFound("role");
  return role;
}

export interface UpdateRoleInput {
  tenantId: string;
  actor: TenantActor;
  roleId: string;
  name?: string;
  description?: string;
  permissions?: readonly string[];
}

/** Name, description and permissions change; the key (what memberships store) stays. */
export const updateRole = transactional(async (db, input: UpdateRoleInput) => {
  const permissions = input.permissions === undefined ? undefined : normalizeRolePermissions(input.permissions);
  await lockTenantSeats(db, input.tenantId);
  const before = await getRoleOrThrow(db, input);
  assertWithinActor(input.actor, before.permissions.filter(isPermission), "edit a role");
  if (permissions) assertWithinActor(input.actor, permissions, "give a role");
  if (input.name !== undefined && input.name !== before.name) await assertNameFree(db, input.tenantId, input.name, before.id);

  const role = await db.iamRole
    .update({
      where: { id: before.id, tenantId: input.tenantId },
      data: { name: input.name, description: input.description, permissions },
      select: customRoleSelect,
    })
    .catch((e: unknown) => {
      throw uniqueViolation(e, input.name ?? before.name);
    });
  await recordAudit(db, {
    tenantId: input.tenantId,
    actorUserId: input.actor.userId,
    action: "role.updated",
    targetType: "iam_role",
    targetId: role.id,
    metadata: {
      key: role.key,
      from: { name: before.name, description: before.description, permissions: before.permissions },
      to: { name: role.name, description: role.description, permissions: role.permissions },
    },
  });
  return role;
});

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Refused (CONFLICT) while members hold the role or pending invitations offer it. */
export const deleteRole = transactional(async (db, input: { tenantId: string; actor: TenantActor; roleId: string; now?: Date }) => {
  await lockTenantSeats(db, input.tenantId); // no one can be given the role while we count
  const role = await getRoleOrThrow(db, input);
  assertWithinActor(input.actor, role.permissions.filter(isPermission), "delete a role");
  const holders = await db.tenantMember.count({ where: { tenantId: input.tenantId, role: role.key } });
  if (holders > 0) {
    throw new AppError(
      "CONFLICT",
      `${plural(holders, "member still holds", "members still hold")} the role "${role.name}": give ${holders === 1 ? "them" : "each of them"} another role first`,
      { key: "roles.stillHeld", params: { count: holders, role: role.name } },
    );
  }
  const invitations = await db.tenantInvitation.count({
    where: { tenantId: input.tenantId, role: role.key, status: "pending", expiresAt: { gt: input.now ?? new Date() } },
  });
  if (invitations > 0) {
    throw new AppError(
      "CONFLICT",
      `${plural(invitations, "pending invitation offers", "pending invitations offer")} the role "${role.name}": revoke ${invitations === 1 ? "it" : "them"} first`,
      { key: "roles.stillOffered", params: { count: invitations, role: role.name } },
    );
  }
  await db.iamRole.delete({ where: { id: role.id, tenantId: input.tenantId } });
  await recordAudit(db, {
    tenantId: input.tenantId,
    actorUserId: input.actor.userId,
    action: "role.deleted",
    targetType: "iam_role",
    targetId: role.id,
    metadata: { key: role.key, name: role.name },
  });
  return { id: role.id };
});

/** Whether `role` can be given in this tenant: a built-in role or one of its custom role keys. */
export async function roleExists(db: DbTx, input: { tenantId: string; role: string }): Promise<boolean> {
  if (isBuiltInRole(input.role)) return true;
  const custom = await db.iamRole.findFirst({ where: { tenantId: input.tenantId, key: input.role }, select: { id: true } });
  return custom !== null;
}
