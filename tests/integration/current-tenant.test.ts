/**
 * getCurrentTenant (src/trpc/server.ts) answers "no workspace" only when the viewer has none: a database
 * outage while reading the workspace is an error (the error page), never NO_ACTIVE_TENANT's notice. Same
 * for the (app) layout's me.get: an outage is not "signed out". Real sessions, a real tRPC caller, and a
 * TCP proxy that cuts the caller's database connection.
 */
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { getAuth } from "@/server/auth";
import { createPrismaClient, prisma } from "@/server/db/client";
import { AppError } from "@/server/domain/errors";
import { unlessSignedOut, workspaceOrNone } from "@/trpc/no-workspace";
import { signUpAndSignIn, type SignedInUser } from "../helpers/auth";
import { startDbOutageProxy, type DbOutageProxy } from "../helpers/db-outage-proxy";

let proxy: DbOutageProxy;
let db: ReturnType<typeof createPrismaClient>;

beforeAll(async () => {
  proxy = await startDbOutageProxy(process.env.DATABASE_URL!);
  db = createPrismaClient(proxy.url);
});
afterAll(async () => {
  proxy.restore();
  await db.$disconnect();
  await proxy.close();
});

/** The caller a server component gets for this user, on the proxied database. */
async function callerThroughProxy(user: SignedInUser) {
  const session = await getAuth().api.getSession({ headers: user.headers });
  return createCaller({ ...(await createTRPCContext({ headers: user.headers, session })), db });
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`Expected a failure, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe("getCurrentTenant's rule (workspaceOrNone)", () => {
  it("answers the workspace while the database is up", async () => {
    const user = await signUpAndSignIn();
    const caller = await callerThroughProxy(user);
    expect(await workspaceOrNone(caller.tenants.current())).toMatchObject({ id: user.tenantId, role: "owner" });
  });

  it("with the database down, throws the outage instead of answering 'no workspace'", async () => {
    const user = await signUpAndSignIn();
    const caller = await callerThroughProxy(user);
    proxy.cut();
    try {
      const error = await failureOf(workspaceOrNone(caller.tenants.current()));
      expect(error).toBeInstanceOf(TRPCError);
      const cause = (error as TRPCError).cause;
      expect(cause instanceof AppError ? cause.code : null).not.toBe("NO_ACTIVE_TENANT");
      expect(cause).not.toBeInstanceOf(AppError);

      // The (app) layout's me.get: an outage is not "signed out" (which would redirect to sign-in).
      await expect(unlessSignedOut(caller.me.get())).rejects.toBeInstanceOf(TRPCError);
    } finally {
      proxy.restore();
    }
    // Back up: the same caller reads the workspace again.
    expect(await workspaceOrNone(caller.tenants.current())).toMatchObject({ id: user.tenantId });
  });

  it("answers null for a viewer without a workspace (NO_ACTIVE_TENANT) and for nobody signed in", async () => {
    const user = await signUpAndSignIn();
    await prisma.tenantMember.deleteMany({ where: { userId: user.userId } });
    const caller = await callerThroughProxy(user);
    const refusal = await failureOf(caller.tenants.current());
    expect(((refusal as TRPCError).cause as AppError).code).toBe("NO_ACTIVE_TENANT");
    expect(await workspaceOrNone(caller.tenants.current())).toBeNull();

    const anonymous = createCaller(await createTRPCContext({ headers: new Headers(), session: null }));
    expect(await workspaceOrNone(anonymous.tenants.current())).toBeNull();
    expect(await unlessSignedOut(anonymous.me.get())).toBeNull();
  });
});
