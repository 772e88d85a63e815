import { BillingPage } from "./pages/billing.page";
import { UsagePage } from "./pages/usage.page";
import { expect, test, uniqueEmail } from "./fixtures";

// Usage metering in the browser: journey 5's project limit with the upgrade suggestion, and usage
// attributed to the guest who caused it. The limit test signs up a fresh starter tenant; the guest test
// only adds usage to the seeded Northwind Analytics and reads it relative to what was there before.
test.describe("Usage and plan limits", () => {
  test("journey 5: a starter workspace reaches its project limit, sees the block with the upgrade, and the usage page at 100%", async ({
    page,
    signUpPage,
    mailbox,
    projectsPage,
  }) => {
    const usage = new UsagePage(page);
    const email = uniqueEmail("usage-limit");

    await test.step("sign up: a starter workspace (3 projects)", async () => {
      await signUpPage.open();
      await signUpPage.signUp({ name: "Katherine Usage", email, password: "correct-horse-battery" });
      await mailbox.openYours();
      await mailbox.followLinkIn("Verify your email address");
      await projectsPage.expectLoaded("Katherine's workspace");
    });

    await test.step("three projects fit, the fourth is refused with the limit and the upgrade", async () => {
      for (const name of ["Alpha", "Beta", "Gamma"]) await projectsPage.create(name);
      await projectsPage.createRefusedAtLimit("Delta", "Your plan allows 3 projects; this workspace has 3.");
      await expect(projectsPage.limitBlock.getByRole("link", { name: "Upgrade to Pro" })).toHaveAttribute("href", "/settings/billing?plan=pro");
    });

    await test.step("the usage page: projects 3 / 3 at 100%, with the notice and the upgrade", async () => {
      await usage.openFromNav();
      await usage.expectMeter("Projects", { used: 3, limit: 3, percent: 100 });
      await expect(usage.notices).toContainText("You've reached 100% of your projects limit (3 of 3).");
      await usage.notices.getByRole("link", { name: "Upgrade to Pro" }).click();
      await expect(page).toHaveURL(/\/settings\/billing\?plan=pro$/);
      await new BillingPage(page).expectCurrentPlan("Starter");
    });
  });

  test("a guest's analysis is counted under the guest in the owner's per-member breakdown", async ({ page, signInPage, projectsPage, persona }) => {
    const owner = persona("paid");
    const guest = persona("guest");
    const usage = new UsagePage(page);
    const before = { apiCalls: 0, aiCredits: 0 };

    await test.step("the owner notes the guest's usage so far", async () => {
      await signInPage.open();
      await signInPage.signIn(owner.email, owner.password);
      await usage.openFromNav();
      before.apiCalls = await usage.memberUnits(guest.name, "API calls");
      before.aiCredits = await usage.memberUnits(guest.name, "AI credits");
      await projectsPage.signOut();
    });

    await test.step("the guest runs an analysis on a project (and has no usage page)", async () => {
      await signInPage.open();
      await signInPage.signIn(guest.email, guest.password);
      await usage.expectNoNavLink();
      await projectsPage.runAnalysis("Customer churn model");
      await projectsPage.signOut();
    });

    await test.step("the owner sees it under the guest, marked as guest", async () => {
      await signInPage.open();
      await signInPage.signIn(owner.email, owner.password);
      await usage.openFromNav();
      await usage.expectMember(guest.name, { guest: true, units: { "API calls": before.apiCalls + 1, "AI credits": before.aiCredits + 2 } });
    });
  });
});
