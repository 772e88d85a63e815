import type { Browser, Page } from "@playwright/test";
import { expect, test, uniqueEmail } from "./fixtures";
import { BillingPage } from "./pages/billing.page";
import { DevMailboxPage } from "./pages/dev-mailbox.page";
import { PaymentSimulatorPage } from "./pages/payment-simulator.page";
import { ProjectsPage } from "./pages/projects.page";
import { SignUpPage } from "./pages/sign-up.page";

// The dev mailbox on the playground build (PLAYGROUND=1, what a public demo runs): each visitor reads
// only their own mail (src/server/domain/dev-mailbox/access.ts), so no visitor can take over the account
// another one just created with the links in its mail.

/** A second, unrelated visitor: their own browser context (no cookies of the first) and client address. */
async function anotherVisitor(browser: Browser, address: string): Promise<Page> {
  const context = await browser.newContext({ locale: "en-US", extraHTTPHeaders: { "x-forwarded-for": address } });
  return context.newPage();
}

test.describe("Playground mailbox", () => {
  test("a visitor signs up, opens their own mailbox from the sign-up, verifies, and still sees only their own mail", async ({
    page,
    signUpPage,
    mailbox,
  }) => {
    const email = uniqueEmail("playground");
    await signUpPage.open();
    await signUpPage.signUp({ name: "Pia Playground", email, password: "correct-horse-battery" });
    await mailbox.openYours();
    await expect(page.getByText(`the messages to ${email} are kept here`)).toBeVisible();
    await mailbox.followLinkIn("Verify your email address");
    await new ProjectsPage(page).expectLoaded("Pia's workspace");

    // Signed in now: the mailbox is theirs, and asking for another address shows nothing of it.
    await mailbox.open();
    await expect(page.getByRole("link", { name: "Verify your email address" })).toBeVisible();
    const recipients = await page.getByRole("table").getByRole("row").locator("td:first-child").allTextContents();
    expect(recipients.length).toBeGreaterThan(0);
    expect(new Set(recipients)).toEqual(new Set([email]));
    await mailbox.open(`?to=${encodeURIComponent("trial@demo.example.com")}`);
    await expect(page.getByRole("table")).toHaveCount(0);
    await expect(page.getByText("No emails yet.")).toBeVisible();
  });

  test("an anonymous visitor gets a sign-in prompt and no list, even asking for an address", async ({ page, mailbox, signInPage, persona }) => {
    await page.goto(`/dev/mailbox?to=${encodeURIComponent("trial@demo.example.com")}`);
    await mailbox.expectSignInPrompt();
    await page.goto("/dev/mailbox");
    await mailbox.expectSignInPrompt();

    // The prompt's sign-in leads back to the mailbox, now the persona's own.
    const trial = persona("trial");
    await page.getByRole("main").getByRole("link", { name: "Sign in" }).click();
    await signInPage.signIn(trial.email, trial.password, /\/dev\/mailbox$/);
    await expect(page.getByText(`the messages to ${trial.email} are kept here`)).toBeVisible();
  });

  test("another visitor's message answers 404, like a missing one, signed up or anonymous", async ({ page, browser, signUpPage, mailbox }) => {
    const first = uniqueEmail("first-visitor");
    await signUpPage.open();
    await signUpPage.signUp({ name: "Fay First", email: first, password: "correct-horse-battery" });
    await mailbox.openYours();
    const firstMessage = await mailbox.openMessage("Verify your email address");

    // A second visitor who signed up too (their own pass cookie), in their own browser.
    const secondPage = await anotherVisitor(browser, "192.0.2.251");
    const second = uniqueEmail("second-visitor");
    const secondSignUp = new SignUpPage(secondPage);
    await secondSignUp.open();
    await secondSignUp.signUp({ name: "Sam Second", email: second, password: "correct-horse-battery" });
    const secondMailbox = new DevMailboxPage(secondPage);
    await secondMailbox.openYours();
    await secondMailbox.openMessage("Verify your email address");
    expect((await secondPage.goto(firstMessage))?.status()).toBe(404);
    expect((await secondPage.goto(firstMessage.replace(/[0-9a-f]{12}$/, "0123456789ab")))?.status()).toBe(404);
    await secondMailbox.open(`?to=${encodeURIComponent(first)}`);
    await expect(secondPage.getByText(first)).toHaveCount(0);

    // Anonymous: 404 too.
    const anonymous = await anotherVisitor(browser, "192.0.2.252");
    expect((await anonymous.goto(firstMessage))?.status()).toBe(404);

    // The first visitor still reads it.
    expect((await page.goto(firstMessage))?.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "Verify your email address" })).toBeVisible();
    await secondPage.context().close();
    await anonymous.context().close();
  });

  test("the payment simulator's checkout answers 404 to anyone but the workspace that opened it", async ({ page, browser, signUpPage, mailbox }) => {
    const email = uniqueEmail("simulator-owner");
    await signUpPage.open();
    await signUpPage.signUp({ name: "Otto Owner", email, password: "correct-horse-battery" });
    await mailbox.openYours();
    await mailbox.followLinkIn("Verify your email address");
    const billing = new BillingPage(page);
    await billing.open();
    await billing.subscribe("Pro");
    await new PaymentSimulatorPage(page).expectCheckout(/Pro plan, billed monthly/);
    const checkoutUrl = page.url();

    const anonymous = await anotherVisitor(browser, "192.0.2.253");
    expect((await anonymous.goto(checkoutUrl))?.status()).toBe(404);
    await anonymous.context().close();
  });
});
