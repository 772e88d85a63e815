/**
 * A database refusal no use case mapped (Prisma P2002 unique, P2025 not found, P2003 foreign key) reaches
 * the client as its AppError code with a translated sentence, never a 500: the one fallback in the tRPC
 * error middleware (src/server/api/trpc.ts). The procedures below are built with the app's real builders
 * (tenantProcedure: the same middleware chain and error formatter as every router) and make PostgreSQL
 * refuse for real (app procedures check first, so only races reach the fallback there).
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createCallerFactory, createTRPCContext, createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { signUpAndSignIn } from "../helpers/auth";
import { errorShapeOf, expectTRPCError, httpStatusOf } from "../helpers/trpc-errors";

const probes = createTRPCRouter({
  duplicateTeam: tenantProcedure("team:manage").mutation(async ({ ctx }) => {
    await ctx.db.team.create({ data: { tenantId: ctx.tenant.id, name: "Twice" } });
    await ctx.db.team.create({ data: { tenantId: ctx.tenant.id, name: "Twice" } });
  }),
  renameMissingProject: tenantProcedure("project:update").mutation(({ ctx }) =>
    ctx.db.project.update({ where: { id: randomUUID(), tenantId: ctx.tenant.id }, data: { name: "Nowhere" } }),
  ),
  joinMissingTeam: tenantProcedure("team:manage").mutation(async ({ ctx }) => {
    const member = await ctx.db.tenantMember.findFirstOrThrow({ where: { tenantId: ctx.tenant.id } });
    return ctx.db.teamMember.create({ data: { tenantId: ctx.tenant.id, teamId: randomUUID(), memberId: member.id } });
  }),
});

async function probeCaller() {
  const owner = await signUpAndSignIn();
  const ctx = await createTRPCContext({ headers: owner.headers });
  return { owner, probe: createCallerFactory(probes)(ctx) };
}

/** What the client gets: the code, its HTTP status, the AppError's code and sentence key, and no Prisma text. */
async function expectMapped(promise: Promise<unknown>, code: "CONFLICT" | "NOT_FOUND", key: string) {
  const error = await expectTRPCError(promise, code, code);
  const shape = errorShapeOf(error);
  expect(httpStatusOf(error)).toBe(code === "CONFLICT" ? 409 : 404);
  expect(shape.data.userMessage).toEqual({ key, params: {} });
  expect(shape.message).not.toMatch(/prisma|invocation|\.ts:/i);
  return error;
}

describe("unmapped Prisma errors through the tRPC error middleware", () => {
  it("P2002 (unique violation) is CONFLICT with database.alreadyExists", async () => {
    const { probe } = await probeCaller();
    await expectMapped(probe.duplicateTeam(), "CONFLICT", "database.alreadyExists");
  });

  it("P2025 (record to update not found) is NOT_FOUND with database.notFound", async () => {
    const { probe } = await probeCaller();
    await expectMapped(probe.renameMissingProject(), "NOT_FOUND", "database.notFound");
  });

  it("P2003 (foreign key: the row refers to one deleted meanwhile) is CONFLICT with database.stillReferenced", async () => {
    const { probe } = await probeCaller();
    await expectMapped(probe.joinMissingTeam(), "CONFLICT", "database.stillReferenced");
  });

});
