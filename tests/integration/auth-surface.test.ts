/**
 * Better Auth serves only the endpoints we rely on: the organization plugin's own HTTP API would
 * bypass the permission matrix, the guest ceiling, seat limits and the audit log, so it must be off.
 */
import { describe, expect, it } from "vitest";
import { getAuth } from "@/server/auth";
import { signUpAndSignIn } from "../helpers/auth";

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
