import { expect, test, uniqueEmail } from "./fixtures";

test.describe("Journey 1: sign up without an invitation", () => {
  test("sign up, verify through the dev mailbox, land on /projects in a trial tenant, then create, rename and delete a project", async ({
    page,
    signUpPage,
    mailbox,
    projectsPage,
  }) => {
    const email = uniqueEmail("journey1");
    await page.goto("/");
    await page.getByRole("link", { name: "Start your free trial" }).click();
    await expect(page).toHaveURL(/\/sign-up$/);

    await signUpPage.signUp({ name: "Grace Hopper", email, password: "correct-horse-battery" });

    await mailbox.openYours();
    await mailbox.followLinkIn("Verify your email address");

    await expect(page).toHaveURL(/\/projects$/);
    await projectsPage.expectLoaded("Grace's workspace");
    await projectsPage.expectBillingBadge("Trial");
    await projectsPage.expectEmpty();

    await projectsPage.create("Launch plan");
    await projectsPage.rename("Launch plan", "Launch plan v2");
    await projectsPage.delete("Launch plan v2");
    await projectsPage.expectEmpty();

    // The project stays deleted after a reload (soft-deleted on the server, not only hidden in the UI).
    await page.reload();
    await projectsPage.expectEmpty();
  });

  test("a sign-up with an address that already has an account looks like any other; the account is untouched", async ({
    page,
    signUpPage,
    signInPage,
    persona,
  }) => {
    // Saying "already exists" would tell anyone which addresses have accounts: the holder gets an email instead.
    const paid = persona("paid");
    await signUpPage.open();
    await signUpPage.signUp({ name: "Someone", email: paid.email, password: "another-password" });
    await expect(page).toHaveURL(/\/verify-email\?/);
    await signInPage.open();
    await signInPage.signIn(paid.email, paid.password);
  });

  test("signing in before verifying the email is refused with a clear message", async ({ page, signUpPage, signInPage }) => {
    const email = uniqueEmail("unverified");
    await signUpPage.open();
    await signUpPage.signUp({ name: "Una Verified", email, password: "correct-horse-battery" });
    await signInPage.open();
    await signInPage.attempt(email, "correct-horse-battery");
    await signInPage.expectError("verify your email");
    await expect(page).toHaveURL(/\/sign-in$/);
  });
});
