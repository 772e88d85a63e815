import { expect, test, uniqueEmail } from "./fixtures";

test.describe("Seeded personas and the app shell", () => {
  test("the paid persona signs in from the demo list and sees an active tenant with projects", async ({ page, signInPage, projectsPage, persona }) => {
    const paid = persona("paid");
    await signInPage.open();
    await signInPage.signInWithDemoAccount(paid.email);
    await projectsPage.expectBillingBadge("Active");
    await expect(page.getByRole("list", { name: "Projects" }).getByRole("listitem").first()).toBeVisible();
    await projectsPage.signOut();
    // Signed out means signed out: the app sends us back to sign in.
    await page.goto("/projects");
    await expect(page).toHaveURL(/\/sign-in$/);
  });

  test("the past-due persona sees the past-due badge", async ({ signInPage, projectsPage, persona }) => {
    const pastDue = persona("pastDue");
    await signInPage.open();
    await signInPage.signIn(pastDue.email, pastDue.password);
    await projectsPage.expectBillingBadge("Past due");
  });

  test("a wrong password gets a clear error and no session", async ({ page, signInPage, persona }) => {
    await signInPage.open();
    await signInPage.attempt(persona("trial").email, "not-the-password");
    await signInPage.expectError("The email or password is not correct.");
    await page.goto("/projects");
    await expect(page).toHaveURL(/\/sign-in$/);
  });

  test("repeated wrong passwords are throttled", async ({ signInPage }) => {
    await signInPage.open();
    // Sign-in allows 10 attempts per minute per client (and 10 per account per 15 minutes); the 11th is
    // refused before the password is checked. An address of its own, so no persona another spec signs
    // in with is held up.
    const email = uniqueEmail("throttled");
    for (let i = 0; i < 10; i++) {
      await signInPage.attempt(email, `wrong-${i}`);
      await signInPage.expectError("The email or password is not correct.");
    }
    await signInPage.attempt(email, "wrong-again");
    await signInPage.expectError("Too many attempts");
  });

  test("German visitors get German pages, and the language switcher changes the locale", async ({ browser }) => {
    const context = await browser.newContext({ locale: "de-DE", extraHTTPHeaders: { "Accept-Language": "de-DE,de;q=0.9" } });
    const page = await context.newPage();
    await page.goto("/");
    await expect(page).toHaveURL(/\/de$/);
    await expect(page.getByRole("link", { name: "Kostenlose Testphase starten" })).toBeVisible();
    await page.getByLabel("Sprache").selectOption("en");
    await expect(page.getByRole("link", { name: "Start your free trial" })).toBeVisible();
    await context.close();
  });
});
