import { expect, test, uniqueEmail } from "./fixtures";
import { PasswordResetPage } from "./pages/password-reset.page";

test.describe("Magic link and password reset", () => {
  test("a seeded user signs in with a magic link from the dev mailbox", async ({ page, signInPage, mailbox, projectsPage, persona }) => {
    const trial = persona("trial");
    await signInPage.open();
    await signInPage.requestMagicLink(trial.email);
    await mailbox.openFor(trial.email);
    await mailbox.followLinkIn("Your sign-in link");
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
    await mailbox.openFor(email);
    await mailbox.followLinkIn("Verify your email address");
    await expect(page).toHaveURL(/\/projects$/);
    await projectsPage.signOut();

    const reset = new PasswordResetPage(page);
    await reset.request(email);
    await mailbox.openFor(email);
    await mailbox.followLinkIn("Reset your password");
    await reset.chooseNewPassword("second-password-2");

    await signInPage.open();
    await signInPage.attempt(email, "first-password-1");
    await signInPage.expectError("The email or password is not correct.");
    await signInPage.signIn(email, "second-password-2");
  });
});
