/**
 * What the client receives for a refusal, through the real procedures and the app's error formatter:
 * the AppError's own sentence key with its arguments (data.userMessage) and the field it is about
 * (data.field), and invalid input as per-field sentence keys (data.fieldIssues) plus English for API callers.
 */
import { describe, expect, it } from "vitest";
import { signUpAndSignIn } from "../helpers/auth";
import { addBareMember } from "../helpers/tenancy";
import { errorShapeOf, expectTRPCError } from "../helpers/trpc-errors";

describe("error shape", () => {
  it("a role still held: CONFLICT with roles.stillHeld, the count and the role's name", async () => {
    const owner = await signUpAndSignIn();
    const role = await owner.caller.iamRoles.create({ name: "Auditor", permissions: [] });
    await addBareMember(owner.tenantId, { role: role.key });
    await addBareMember(owner.tenantId, { role: role.key });
    const error = await expectTRPCError(owner.caller.iamRoles.delete({ roleId: role.id }), "CONFLICT", "CONFLICT");
    const { data, message } = errorShapeOf(error);
    expect(data.userMessage).toEqual({ key: "roles.stillHeld", params: { count: 2, role: "Auditor" } });
    expect(data.field).toBeNull();
    // The English message stays, for logs and API callers.
    expect(message).toMatch(/2 members still hold the role "Auditor"/);
  });

  it("a refusal about one field names it: a team name taken is teams.nameTaken on `name`", async () => {
    const owner = await signUpAndSignIn();
    await owner.caller.tenants.teams.create({ name: "Ops" });
    const error = await expectTRPCError(owner.caller.tenants.teams.create({ name: "ops" }), "CONFLICT", "CONFLICT");
    expect(errorShapeOf(error).data).toMatchObject({ field: "name", userMessage: { key: "teams.nameTaken", params: { name: "ops" } } });
  });

  it("invalid input: each issue as a field and a sentence key, and in English for API callers", async () => {
    const owner = await signUpAndSignIn();
    const error = await expectTRPCError(owner.caller.tenants.teams.create({ name: "   " }), "BAD_REQUEST", null);
    const { data, message } = errorShapeOf(error);
    expect(data.fieldIssues).toEqual([{ field: "name", key: "validation.required", params: {} }]);
    expect(data.zodError?.fieldErrors).toEqual({ name: ["This field is required."] });
    expect(message).toBe("name: This field is required.");
    expect(data.userMessage).toBeNull();
  });
});
