/**
 * Better Auth serves only the endpoints we rely on: the organization plugin's own HTTP API would
 * bypass the permission matrix, the guest ceiling, seat limits and the audit log, so it must be off.
 */
import { describe, expect, it } from "vitest";
import { getAuth } from "@/server/auth";
import { prisma } from "@/server/db/client";
import { signUpAndSignIn } from "../helpers/auth";
import { drainJobs } from "../helpers/jobs";

const ORGANIZATION_PATHS = [
  "accept-invitation", "cancel-invitation", "create", "delete", "invite-member", "leave", "list", "list-members",
  "remove-member", "set-active", "update", "update-member-role", "create-role", "create-team", "add-team-member",
];

describe("Better Auth HTTP surface", () => {
  it("answers 404 to every organization endpoint, even for a signed-in owner", async () => {
    const owner = await signUpAndSignIn();
    for (const path of ORGANIZATION_PATHS) {
      const res = await getAuth().handler(
        new Request(`http://localhost:3000/api/auth/organization/${path}`, {
          method: "POST",
          headers: { ...Object.fromEntries(owner.headers), "content-type": "application/json", origin: "http://localhost:3000" },
          body: JSON.stringify({ organizationId: owner.tenantId, invitationId: "x", email: "a@example.com", role: "owner" }),
        }),
      );
      expect.soft(res.status, `/organization/${path}`).toBe(404);
    }
  });

  it("still serves the endpoints the app uses", async () => {
    const res = await getAuth().handler(new Request("http://localhost:3000/api/auth/get-session"));
    expect(res.status).toBe(200);
  });
});

describe("two-factor accounts and emailed links", () => {
  it("a magic link gives no session to an account with two-factor on; the same link flow works without it", async () => {
    const withTwoFactor = await signUpAndSignIn({ name: "Guarded" });
    const without = await signUpAndSignIn({ name: "Plain" });
    await prisma.user.update({ where: { id: withTwoFactor.userId }, data: { twoFactorEnabled: true } });

    const followMagicLink = async (email: string) => {
      await getAuth().api.signInMagicLink({ body: { email, callbackURL: "/projects" }, headers: new Headers() });
      await drainJobs(prisma);
      const mail = await prisma.devMailboxMessage.findFirstOrThrow({ where: { to: email, subject: "Your sign-in link" }, orderBy: { createdAt: "desc" } });
      const url = mail.html.match(/href="(http[^"]+magic-link\/verify[^"]+)"/)![1]!.replaceAll("&amp;", "&");
      const res = await getAuth().handler(new Request(url));
      return res.headers.getSetCookie().some((c) => c.includes("session_token=") && !c.includes("session_token=;"));
    };

    const sessionsBefore = await prisma.session.count({ where: { userId: withTwoFactor.userId } });
    expect(await followMagicLink(withTwoFactor.email)).toBe(false);
    expect(await prisma.session.count({ where: { userId: withTwoFactor.userId } })).toBe(sessionsBefore);
    expect(await followMagicLink(without.email)).toBe(true);
  });
});
