import { z } from "zod";
import { BillingState, MemberType } from "@/generated/prisma/enums";
import { allPermissions, type Permission } from "@/server/domain/rbac/permissions";
import type { SameShape } from "@/server/domain/validation";
import type { listMembers } from "./members";
import type { listMemberships } from "./memberships";
import type { listTeams } from "./teams";

// Output schemas of the tenancy procedures the UI renders (tenants.mine, tenants.current, me.get,
// tenants.members.list, tenants.teams.list). Each checks itself against what its domain function returns.

const memberType = z.enum(MemberType);
const permissionSchema = z.enum(allPermissions as [Permission, ...Permission[]]);

const tenantSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  plan: z.string(),
  billingState: z.enum(BillingState),
  trialEndsAt: z.date().nullable(),
  graceEndsAt: z.date().nullable(),
});

/** tenants.mine and me.get's memberships: the caller's workspaces, for the switcher. */
export const membershipListSchema = z.array(
  z.object({ id: z.string(), tenantId: z.string(), role: z.string(), memberType, tenant: tenantSummarySchema }),
);
true satisfies SameShape<z.output<typeof membershipListSchema>, Awaited<ReturnType<typeof listMemberships>>>;

/** tenants.current: the active workspace with the caller's role and permissions (what the UI's can() reads). */
export const currentTenantSchema = tenantSummarySchema.extend({
  role: z.string(),
  memberType,
  permissions: z.array(permissionSchema),
  /** True: one workspace for the install; the UI hides the switcher and create/leave/delete. */
  singleTenantMode: z.boolean(),
});

/** me.get: the signed-in user, their active workspace and their memberships. */
export const meSchema = z.object({
  user: z.object({ id: z.string(), name: z.string(), email: z.string(), emailVerified: z.boolean() }),
  activeTenantId: z.string().nullable(),
  memberships: membershipListSchema,
});

/** tenants.members.list */
export const memberListSchema = z.array(
  z.object({
    id: z.string(),
    userId: z.string(),
    name: z.string(),
    email: z.string(),
    role: z.string(),
    memberType,
    teams: z.array(z.object({ id: z.string(), name: z.string() })),
    joinedAt: z.date(),
  }),
);
true satisfies SameShape<z.output<typeof memberListSchema>, Awaited<ReturnType<typeof listMembers>>>;

/** tenants.teams.list */
export const teamListSchema = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    createdAt: z.date(),
    updatedAt: z.date(),
    members: z.array(z.object({ memberId: z.string(), userId: z.string(), name: z.string(), email: z.string(), role: z.string(), memberType })),
  }),
);
true satisfies SameShape<z.output<typeof teamListSchema>, Awaited<ReturnType<typeof listTeams>>>;
