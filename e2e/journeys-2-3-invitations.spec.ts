import type { Page } from "@playwright/test";
import { expect, test, uniqueEmail } from "./fixtures";
import type { DevMailboxPage } from "./pages/dev-mailbox.page";
import { MembersSettingsPage } from "./pages/members-settings.page";
import type { ProjectsPage } from "./pages/projects.page";
import type { SignInPage } from "./pages/sign-in.page";
import type { SignUpPage } from "./pages/sign-up.page";

const INVITATION_SUBJECT = "You have been invited to a workspace";

interface JoinSteps {
  page: Page;
  signInPage: SignInPage;
  signUpPage: SignUpPage;
  mailbox: DevMailboxPage;
  projectsPage: ProjectsPage;
  owner: { email: string; password: string };
}

/**
 * The shared path of journeys 2 and 3: the owner invites `invitee`, signs out; the invitee opens the mail,
 * checks the invitation page says `invitationText`, signs up, verifies, and ends on /projects.
 */
async function inviteSignUpAndVerify(
  { page, signInPage, signUpPage, mailbox, projectsPage, owner }: JoinSteps,
  invitee: { email: string; name: string; access: "Member" | "Guest"; role?: string; invitationText: string },
) {
  await signInPage.open();
  await signInPage.signIn(owner.email, owner.password);
  const members = new MembersSettingsPage(page);
  await members.open();
  await members.invite(invitee.email, invitee.access, invitee.role);
  await projectsPage.signOut();

  await mailbox.followLinkInInboxOf(invitee.email, INVITATION_SUBJECT);
  await expect(page.getByText(invitee.invitationText)).toBeVisible();
  await page.getByRole("link", { name: "Create an account" }).click();

  await signUpPage.signUp({ name: invitee.name, email: invitee.email, password: "correct-horse-battery" });
  await mailbox.openYours();
  await mailbox.followLinkIn("Verify your email address");
  await expect(page).toHaveURL(/\/projects$/);
}

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
    await inviteSignUpAndVerify(
      { page, signInPage, signUpPage, mailbox, projectsPage, owner },
      { email: uniqueEmail("member-invitee"), name: "Ivy Invitee", access: "Member", role: "Member", invitationText: `invited you to join ${owner.tenantName}` },
    );

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
    await inviteSignUpAndVerify(
      { page, signInPage, signUpPage, mailbox, projectsPage, owner },
      { email: uniqueEmail("guest-invitee"), name: "Gus Guest", access: "Guest", invitationText: "You will join as a guest" },
    );

    await projectsPage.expectLoaded(owner.tenantName!);
    // Guests see the projects but cannot create or delete them, and do not see the people of the workspace.
    await expect(page.getByRole("list", { name: "Projects" }).getByRole("listitem").first()).toBeVisible();
    await expect(page.getByRole("button", { name: "Create project" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Delete" })).toHaveCount(0);
    await page.getByRole("link", { name: "Settings" }).click();
    await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Members" })).toHaveCount(0);
    // Typing the address does not help: the server refuses.
    const members = new MembersSettingsPage(page);
    await members.open();
    await members.expectRefused();
  });
});
