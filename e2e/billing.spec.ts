import { BillingPage } from "./pages/billing.page";
import { PaymentSimulatorPage } from "./pages/payment-simulator.page";
import { ProjectsPage } from "./pages/projects.page";
import { cancellationFeedbackOf } from "./support/database";
import { expect, test, uniqueEmail } from "./fixtures";

// Journeys 6 and 7 and the payment failure playbook on the local payment simulator: every state change
// reaches the app as signed webhooks through the real inbox and the job runner, as with Dodo Payments.
// A fresh sign-up, so no seeded persona changes under the other specs.
test.describe("Billing on the payment simulator", () => {
  test.setTimeout(150_000);

  test("upgrade to Pro, top up credits, a failed renewal shows the banner, paying in the portal recovers, cancel with a reason", async ({
    page,
    signUpPage,
    mailbox,
  }) => {
    const billing = new BillingPage(page);
    const simulator = new PaymentSimulatorPage(page);
    const email = uniqueEmail("billing");

    await test.step("sign up: a starter workspace in its trial", async () => {
      await signUpPage.open();
      await signUpPage.signUp({ name: "Ada Billing", email, password: "correct-horse-battery" });
      await mailbox.openYours();
      await mailbox.followLinkIn("Verify your email address");
      await new ProjectsPage(page).expectBillingBadge("Trial");
      await billing.open();
      await billing.expectCurrentPlan("Starter");
      await expect(page.getByText("No payments yet.")).toBeVisible();
    });

    await test.step("journey 6: upgrade to Pro through the hosted checkout", async () => {
      await billing.subscribe("Pro");
      await simulator.expectCheckout(/Pro plan, billed monthly/);
      await simulator.pay("Pay with 3-D Secure");
      await expect(page.getByText("Confirming with your bank…")).toBeVisible();
      await expect(page).toHaveURL(/\/settings\/billing\?checkout=/, { timeout: 20_000 });
      await billing.expectPaymentConfirmed();
      await billing.expectCurrentPlan("Pro");
      await billing.expectBadge("Active");
      await billing.expectPayment("Pro", "Paid");
    });

    await test.step("journey 7: a credit top-up adds credits", async () => {
      await billing.expectCreditBalance("0");
      await billing.buyCredits("1,000");
      await simulator.expectCheckout(/1,000 AI credits/);
      await simulator.pay();
      await billing.expectPaymentConfirmed();
      await billing.expectCreditBalance("1,000");
      await billing.expectPayment("1,000 AI credits", "Paid");
    });

    await test.step("a declined renewal: past due with the banner", async () => {
      await billing.openPortal();
      await simulator.expectPortal();
      await simulator.subscriptionAction("Fail next renewal");
      await simulator.expectSubscriptionStatus("Past due");
      await simulator.backToApp();
      await billing.expectDunningBanner();
      await billing.expectBadge("Past due");
    });

    await test.step("paying in the portal recovers the workspace", async () => {
      await billing.updateCardFromBanner();
      await simulator.expectPortal();
      await simulator.subscriptionAction("Update card and pay");
      await simulator.expectSubscriptionStatus("Active");
      await simulator.backToApp();
      await expect(async () => {
        await page.reload();
        await expect(billing.dunningBanner).toHaveCount(0);
        await billing.expectBadge("Active");
      }).toPass({ timeout: 30_000 });
    });

    await test.step("cancel with a reason: canceled at the period end, the reason stored", async () => {
      await billing.open();
      await billing.cancel("Missing a feature", "We need SSO.");
      await expect(async () => {
        await page.reload();
        await billing.expectBadge("Canceled");
      }).toPass({ timeout: 30_000 });
      await expect(page.getByText(/Canceled: your plan stays active until/)).toBeVisible();
      expect(await cancellationFeedbackOf(email)).toEqual([{ reason: "missing_feature", details: "We need SSO." }]);
    });
  });

  test("a declined card leaves the plan unchanged and says so", async ({ page, signInPage, persona }) => {
    const billing = new BillingPage(page);
    const simulator = new PaymentSimulatorPage(page);
    const trial = persona("trial");
    await signInPage.open();
    await signInPage.signIn(trial.email, trial.password);
    await billing.open();
    await billing.subscribe("Business");
    await simulator.expectCheckout(/Business plan/);
    await simulator.pay("Decline");
    await expect(page.getByText("The payment did not go through. No money was taken; you can try again.")).toBeVisible({ timeout: 20_000 });
    await billing.expectCurrentPlan("Starter");
    await billing.expectBadge("Trial");
  });

  test("the seeded past-due persona sees the banner with the portal button and the failed payment", async ({ page, signInPage, persona }) => {
    const pastDue = persona("pastDue");
    await signInPage.open();
    await signInPage.signIn(pastDue.email, pastDue.password);
    const billing = new BillingPage(page);
    await expect(billing.dunningBanner).toBeVisible();
    await expect(billing.dunningBanner.getByRole("button", { name: "Update card" })).toBeVisible();
    await billing.open();
    await billing.expectPayment("Pro", "Failed");
  });
});
