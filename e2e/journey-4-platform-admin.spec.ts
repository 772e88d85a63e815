import { DEMO_TOTP_SECRET } from "../src/server/seed/personas";
import { expect, test } from "./fixtures";
import { totpCode } from "./pages/two-factor.page";

// Journey 4: platform staff are forced through two-factor, use the read-only platform console, and
// have no workspace; customers cannot enter the console.
test.describe("Journey 4: platform admin", () => {
  test("the seeded admin must pass the TOTP step, lands on /platform with the tenants, and has no workspace", async ({
    page,
    signInPage,
    twoFactorPage,
    platformPage,
    persona,
  }) => {
    const admin = persona("platformAdmin");
    await signInPage.open();
    await signInPage.attempt(admin.email, admin.password);
    await twoFactorPage.expectShown();
    // The password alone made no session.
    expect(await (await page.request.get("/api/auth/get-session")).json()).toBeNull();

    // A wrong code is refused and keeps the user on the step.
    const wrong = String((Number(totpCode(DEMO_TOTP_SECRET)) + 500_000) % 1_000_000).padStart(6, "0");
    await twoFactorPage.enter(wrong);
    await twoFactorPage.expectError("That code is not correct");
    await twoFactorPage.expectShown();

    await twoFactorPage.verifyWithSecret(DEMO_TOTP_SECRET);
    await platformPage.expectConsole();
    await platformPage.expectTenant("Northwind Analytics");
    await platformPage.expectTenant("Harbor Logistics");
    await platformPage.expectUser(persona("paid").email);

    // Staff reach tenants only through the console: the workspace pages show no workspace.
    await page.goto("/projects");
    await expect(page.getByRole("heading", { name: "No workspace yet" })).toBeVisible();
    await expect(page.getByRole("list", { name: "Projects" })).toHaveCount(0);
  });

  test("a customer visiting /platform is refused", async ({ page, signInPage, platformPage, persona }) => {
    const paid = persona("paid");
    await signInPage.open();
    await signInPage.signIn(paid.email, paid.password);
    await platformPage.open();
    await platformPage.expectRefused();
    await page.getByRole("link", { name: "Go to your projects" }).click();
    await expect(page).toHaveURL(/\/projects$/);
  });

  test("signed out, /platform asks to sign in", async ({ page, platformPage }) => {
    await platformPage.open();
    await expect(page).toHaveURL(/\/sign-in$/);
  });
});
