import { expect, test, uniqueEmail } from "./fixtures";
import { MembersSettingsPage } from "./pages/members-settings.page";

const INVITATION_SUBJECT = "You have been invited to a workspace";

test.describe("Journeys 2 and 3: joining a workspace by invitation", () => {
  test("journey 2: an invited member signs up, verifies, and lands in the inviting workspace with no workspace of their own", async ({
    page,
    signInPage,
    signUpPage,
    mailbox,
    projectsPage,
    persona,
  }) => {
    const owner = persona("paid");
    const invitee = uniqueEmail("member-invitee");

    await signInPage.open();
    await signInPage.signIn(owner.email, owner.password);
    const members = new MembersSettingsPage(page);
    await members.open();
    await members.invite(invitee, "Member", "Member");
    await projectsPage.signOut();

    await mailbox.openFor(invitee);
    await mailbox.followLinkIn(INVITATION_SUBJECT);
    await expect(page.getByText(`invited you to join ${owner.tenantName}`)).toBeVisible();
    await page.getByRole("link", { name: "Create an account" }).click();

    await signUpPage.signUp({ name: "Ivy Invitee", email: invitee, password: "correct-horse-battery" });
    await mailbox.openFor(invitee);
    await mailbox.followLinkIn("Verify your email address");

    await expect(page).toHaveURL(/\/projects$/);
    await projectsPage.expectLoaded(owner.tenantName!);
    await expect(page.getByRole("button", { name: "Create project" })).toBeVisible();
    // Exactly one workspace: the inviting one. No personal workspace was created.
    await page.getByRole("button", { name: "Switch workspace" }).click();
    await expect(page.getByRole("menuitemradio")).toHaveCount(1);
    await expect(page.getByRole("menuitemradio", { name: owner.tenantName })).toBeVisible();
  });

  test("journey 3: an invited guest joins with guest restrictions visible in the UI and enforced by the server", async ({
    page,
    signInPage,
    signUpPage,
    mailbox,
    projectsPage,
    persona,
  }) => {
    const owner = persona("paid");
    const guest = uniqueEmail("guest-invitee");

    await signInPage.open();
    await signInPage.signIn(owner.email, owner.password);
    const members = new MembersSettingsPage(page);
    await members.open();
    await members.invite(guest, "Guest");
    await projectsPage.signOut();

    await mailbox.openFor(guest);
    await mailbox.followLinkIn(INVITATION_SUBJECT);
    await expect(page.getByText("You will join as a guest")).toBeVisible();
    await page.getByRole("link", { name: "Create an account" }).click();
    await signUpPage.signUp({ name: "Gus Guest", email: guest, password: "correct-horse-battery" });
    await mailbox.openFor(guest);
    await mailbox.followLinkIn("Verify your email address");

    await expect(page).toHaveURL(/\/projects$/);
    await projectsPage.expectLoaded(owner.tenantName!);
    // Guests see the projects but cannot create or delete them, and do not see the people of the workspace.
    await expect(page.getByRole("list", { name: "Projects" }).getByRole("listitem").first()).toBeVisible();
    await expect(page.getByRole("button", { name: "Create project" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Delete" })).toHaveCount(0);
    await page.getByRole("link", { name: "Settings" }).click();
    await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Members" })).toHaveCount(0);
    // Typing the address does not help: the server refuses.
    await members.open();
    await members.expectRefused();
  });
});
