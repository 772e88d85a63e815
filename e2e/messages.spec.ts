import { randomUUID } from "node:crypto";
import { expect, test, uniqueEmail } from "./fixtures";
import { MembersSettingsPage } from "./pages/members-settings.page";
import { RolesSettingsPage } from "./pages/roles-settings.page";
import { customRoleHeldBy } from "./support/database";

// Issue 12, "messages reach the user": a refusal shows the server's own sentence with its numbers and
// names, in the reader's language (not the generic one of its code), and a form says what is wrong
// next to the field it is about.
test.describe("Messages reach the user", () => {
  test("deleting a role two members still hold says exactly that, in English; a free role is deleted with a toast", async ({
    page,
    signInPage,
    persona,
  }) => {
    const owner = persona("pastDue");
    const held = await customRoleHeldBy(owner.email, `Auditor ${randomUUID().slice(0, 6)}`, 2);
    const free = await customRoleHeldBy(owner.email, `Spare ${randomUUID().slice(0, 6)}`, 0);
    await signInPage.open();
    await signInPage.signIn(owner.email, owner.password);
    const roles = new RolesSettingsPage(page, "en");
    await roles.open();
    await roles.deleteRoleRefused(held, `2 members still hold the role “${held}”. Give each of them another role first.`);
    await roles.deleteRole(free, "Role deleted.");
  });

  test("the same refusal in German", async ({ page, signInPage, persona }) => {
    const owner = persona("pastDue");
    const held = await customRoleHeldBy(owner.email, `Prüfer ${randomUUID().slice(0, 6)}`, 2);
    await signInPage.open();
    await signInPage.signIn(owner.email, owner.password);
    const roles = new RolesSettingsPage(page, "de");
    await roles.open();
    await roles.deleteRoleRefused(held, `2 Mitglieder haben noch die Rolle „${held}“. Geben Sie jedem von ihnen zuerst eine andere Rolle.`);
  });

  test("the sign-up form says what is wrong next to each field, before anything is sent", async ({ page, signUpPage }) => {
    await signUpPage.open();
    await signUpPage.fill({ name: "Val Idation", email: "not-an-address", password: "short" });
    await signUpPage.submit();
    await signUpPage.expectFieldError("Email", "Enter a valid email address.");
    await signUpPage.expectFieldError("Password", "Enter at least 8 characters.");
    await signUpPage.expectFieldError("I accept the terms", "Tick this box to continue.");
    await expect(page).toHaveURL(/\/sign-up$/);

    // Fixing a field clears its message.
    await signUpPage.fill({ email: uniqueEmail("validation") });
    await signUpPage.expectNoFieldError("Email");
  });

  test("the server's refusal about one field lands next to that field: inviting an existing member", async ({ page, signInPage, persona }) => {
    const owner = persona("paid");
    await signInPage.open();
    await signInPage.signIn(owner.email, owner.password);
    const members = new MembersSettingsPage(page);
    await members.open();
    await members.inviteRefused(persona("analyst").email, "This person is already a member of the workspace.");
  });
});
