import { expect, test, uniqueEmail } from "./fixtures";
import { PasswordResetPage } from "./pages/password-reset.page";

test.describe("Magic link and password reset", () => {
  test("a seeded user signs in with a magic link from their inbox", async ({ page, signInPage, mailbox, projectsPage, persona }) => {
    const trial = persona("trial");
    const requestedAt = new Date();
    await signInPage.open();
    await signInPage.requestMagicLink(trial.email);
    await mailbox.followLinkInInboxOf(trial.email, "Your sign-in link", requestedAt);
    await expect(page).toHaveURL(/\/projects$/);
    await projectsPage.expectBillingBadge("Trial");
  });

  test("a user resets a forgotten password and signs in with the new one, not the old one", async ({
    page,
    signUpPage,
    signInPage,
    mailbox,
    projectsPage,
  }) => {
    const email = uniqueEmail("reset");
    await signUpPage.open();
    await signUpPage.signUp({ name: "Rita Reset", email, password: "first-password-1" });
    await mailbox.openYours();
    await mailbox.followLinkIn("Verify your email address");
    await expect(page).toHaveURL(/\/projects$/);
    await projectsPage.signOut();

    const reset = new PasswordResetPage(page);
    await reset.request(email);
    await mailbox.followLinkInInboxOf(email, "Reset your password");
    await reset.chooseNewPassword("second-password-2");

    await signInPage.open();
    await signInPage.attempt(email, "first-password-1");
    await signInPage.expectError("The email or password is not correct.");
    await signInPage.signIn(email, "second-password-2");
  });
});
