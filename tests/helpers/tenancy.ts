/**
 * Tenancy fixtures: people with a given role in a given tenant, acting there through a real
 * session. Memberships are written directly (the invitation flow has its own tests), sessions are
 * real Better Auth sessions (helpers/auth.ts).
 */
import { randomUUID } from "node:crypto";
import type { MemberType } from "@/generated/prisma/client";
import { prisma } from "@/server/db/client";
import type { PlanId } from "@/server/domain/plans/plans";
import { callerFor, signUpAndSignIn, uniqueEmail, type Caller, type SignedInUser } from "./auth";

/** Points every session of the user at `tenantId` and returns a caller built from that session. */
export async function callerActiveIn(user: { userId: string; headers: Headers }, tenantId: string): Promise<Caller> {
  await prisma.session.updateMany({ where: { userId: user.userId }, data: { activeOrganizationId: tenantId } });
  return callerFor(user.headers);
}

export interface TenantMemberFixture {
  user: SignedInUser;
  /** tenant_members.id in the joined tenant. */
  memberId: string;
  /** Acting in the joined tenant. */
  caller: Caller;
}

/** A new signed-in user (with their own personal tenant) who also belongs to `tenantId` with `role`. */
export async function joinTenant(
  tenantId: string,
  opts: { role: string; memberType?: MemberType; name?: string; email?: string },
): Promise<TenantMemberFixture> {
  const user = await signUpAndSignIn({ name: opts.name ?? `${opts.role} person`, email: opts.email });
  const membership = await prisma.tenantMember.create({
    data: { tenantId, userId: user.userId, role: opts.role, memberType: opts.memberType ?? "member" },
  });
  return { user, memberId: membership.id, caller: await callerActiveIn(user, tenantId) };
}

/** A user row only (never signs in): cheap filler for seat counts and "someone else" targets. */
export async function createBareUser(name = "Filler"): Promise<{ id: string; email: string }> {
  return prisma.user.create({ data: { id: randomUUID(), name, email: uniqueEmail("bare"), emailVerified: true }, select: { id: true, email: true } });
}

/** A bare user added to `tenantId`; returns the membership id. */
export async function addBareMember(tenantId: string, opts: { role?: string; memberType?: MemberType; name?: string } = {}) {
  const user = await createBareUser(opts.name);
  const m = await prisma.tenantMember.create({
    data: { tenantId, userId: user.id, role: opts.role ?? "member", memberType: opts.memberType ?? "member" },
  });
  return { memberId: m.id, userId: user.id, email: user.email };
}

export async function setPlan(tenantId: string, plan: PlanId): Promise<void> {
  await prisma.tenant.update({ where: { id: tenantId }, data: { plan } });
}
