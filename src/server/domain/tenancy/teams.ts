/**
 * Teams inside a workspace: named groups of its members. Names are unique per tenant
 * (case-insensitively: "Design" and "design" would be confusing side by side). A team's members
 * must be members of the same tenant; anything of another tenant is simply not found.
 */
import { Prisma } from "@/generated/prisma/client";
import type { DbTx } from "@/server/db/client";
import { transactional } from "@/server/db/transaction";
import { recordAudit } from "@/server/domain/audit/record-audit";
import { AppError, notFound } from "@/server/domain/errors";
import { lockTenantSeats } from "./seat-limits";

export { teamIdSchema, teamNameSchema } from "./inputs";

const teamSelect = { id: true, name: true, createdAt: true, updatedAt: true } as const;

export async function listTeams(db: DbTx, input: { tenantId: string }) {
  const teams = await db.team.findMany({
    where: { tenantId: input.tenantId },
    orderBy: { name: "asc" },
    select: {
      ...teamSelect,
      members: {
        orderBy: { createdAt: "asc" },
        select: {
          member: { select: { id: true, userId: true, role: true, memberType: true, user: { select: { name: true, email: true } } } },
        },
      },
    },
  });
  return teams.map((t) => ({
    id: t.id,
    name: t.name,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    members: t.members.map(({ member: m }) => ({
      memberId: m.id,
      userId: m.userId,
      name: m.user.name,
      email: m.user.email,
      role: m.role,
      memberType: m.memberType,
    })),
  }));
}

async function assertTeamNameFree(db: DbTx, input: { tenantId: string; name: string; exceptId?: string }) {
  // Prisma's case-insensitive equals is an ILIKE on PostgreSQL ("%" and "_" match anything), so it
  // only narrows the candidates; the comparison itself is done here.
  const candidates = await db.team.findMany({
    where: { tenantId: input.tenantId, name: { equals: input.name, mode: "insensitive" }, ...(input.exceptId ? { id: { not: input.exceptId } } : {}) },
    select: { name: true },
  });
  if (candidates.some((t) => t.name.toLowerCase() === input.name.toLowerCase())) throw teamNameTaken(input.name);
}

const teamNameTaken = (name: string) =>
  new AppError("CONFLICT", `A team named "${name}" already exists`, { key: "teams.nameTaken", params: { name }, field: "name" });

/** The unique index caught a name taken meanwhile: said with the name (the generic fallback could not). */
function mapUnique(error: unknown, name: string): unknown {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return teamNameTaken(name);
  return error;
}

async function getTeamOrThrow(db: DbTx, input: { tenantId: string; teamId: string }) {
  const team = await db.team.findFirst({ where: { id: input.teamId, tenantId: input.tenantId }, select: teamSelect });
  if (!team) throw notFound("team");
  return team;
}

export const createTeam = transactional(async (db, input: { tenantId: string; actorUserId: string; name: string }) => {
  // The tenant row lock makes the case-insensitive name check race-free ("Ops" vs "ops" at once).
  await lockTenantSeats(db, input.tenantId);
  await assertTeamNameFree(db, input);
  const team = await db.team
    .create({ data: { tenantId: input.tenantId, name: input.name }, select: teamSelect })
    .catch((e: unknown) => {
      throw mapUnique(e, input.name);
    });
  await recordAudit(db, {
    tenantId: input.tenantId,
    actorUserId: input.actorUserId,
    action: "team.created",
    targetType: "team",
    targetId: team.id,
    metadata: { name: team.name },
  });
  return team;
});

export const renameTeam = transactional(async (db, input: { tenantId: string; actorUserId: string; teamId: string; name: string }) => {
  const before = await getTeamOrThrow(db, input);
  if (before.name === input.name) return before;
  await lockTenantSeats(db, input.tenantId);
  await assertTeamNameFree(db, { tenantId: input.tenantId, name: input.name, exceptId: before.id });
  const team = await db.team
    .update({ where: { id: before.id, tenantId: input.tenantId }, data: { name: input.name }, select: teamSelect })
    .catch((e: unknown) => {
      throw mapUnique(e, input.name);
    });
  await recordAudit(db, {
    tenantId: input.tenantId,
    actorUserId: input.actorUserId,
    action: "team.renamed",
    targetType: "team",
    targetId: team.id,
    metadata: { from: before.name, to: team.name },
  });
  return team;
});

/** Deletes the team and its memberships (the people stay in the workspace). */
export const deleteTeam = transactional(async (db, input: { tenantId: string; actorUserId: string; teamId: string }) => {
  const team = await getTeamOrThrow(db, input);
  await db.team.delete({ where: { id: team.id, tenantId: input.tenantId } });
  await recordAudit(db, {
    tenantId: input.tenantId,
    actorUserId: input.actorUserId,
    action: "team.deleted",
    targetType: "team",
    targetId: team.id,
    metadata: { name: team.name },
  });
  return { id: team.id };
});

export interface TeamMemberInput {
  tenantId: string;
  actorUserId: string;
  teamId: string;
  /** A tenant_members id of the same tenant. */
  memberId: string;
}

export const addTeamMember = transactional(async (db, input: TeamMemberInput) => {
  const team = await getTeamOrThrow(db, input);
  const member = await db.tenantMember.findFirst({ where: { id: input.memberId, tenantId: input.tenantId }, select: { id: true } });
  if (!member) throw notFound("member");
  const existing = await db.teamMember.findFirst({ where: { tenantId: input.tenantId, teamId: team.id, memberId: member.id } });
  const alreadyInTeam = () =>
    new AppError("CONFLICT", `This member is already in the team "${team.name}"`, { key: "teams.alreadyInTeam", params: { team: team.name } });
  if (existing) throw alreadyInTeam();
  const row = await db.teamMember
    .create({ data: { tenantId: input.tenantId, teamId: team.id, memberId: member.id }, select: { id: true } })
    .catch((e: unknown) => {
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") throw alreadyInTeam();
      throw e;
    });
  await recordAudit(db, {
    tenantId: input.tenantId,
    actorUserId: input.actorUserId,
    action: "team.member_added",
    targetType: "team",
    targetId: team.id,
    metadata: { memberId: member.id, teamMemberId: row.id },
  });
  return { teamId: team.id, memberId: member.id };
});

export const removeTeamMember = transactional(async (db, input: TeamMemberInput) => {
  const team = await getTeamOrThrow(db, input);
  const { count } = await db.teamMember.deleteMany({ where: { tenantId: input.tenantId, teamId: team.id, memberId: input.memberId } });
  if (count === 0) throw notFound("teamMember");
  await recordAudit(db, {
    tenantId: input.tenantId,
    actorUserId: input.actorUserId,
    action: "team.member_removed",
    targetType: "team",
    targetId: team.id,
    metadata: { memberId: input.memberId },
  });
  return { teamId: team.id, memberId: input.memberId };
});
