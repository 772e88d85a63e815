import { expect, type Page } from "@playwright/test";

/** /settings/billing and the dunning banner in the app shell. */
export class BillingPage {
  constructor(private readonly page: Page) {}

  async open() {
    await this.page.goto("/settings/billing");
    await expect(this.page.getByRole("heading", { name: "Billing", level: 1 })).toBeVisible();
  }

  private plan(name: string) {
    return this.page.getByRole("listitem", { name, exact: true });
  }

  async chooseInterval(interval: "Monthly" | "Yearly") {
    await this.page.getByRole("group", { name: "Billing interval" }).getByRole("button", { name: interval }).click();
  }

  /** Without a subscription: opens the hosted checkout. */
  async subscribe(plan: string) {
    await this.plan(plan).getByRole("button", { name: `Subscribe to ${plan}` }).click();
  }

  async buyCredits(credits: string) {
    await this.page.getByRole("button", { name: `Buy ${credits} credits` }).click();
  }

  async openPortal() {
    await this.page.getByRole("button", { name: "Payment method and invoices" }).click();
  }

  /** Back from the checkout: waits until the provider's webhook has been processed and the page reloaded. */
  async expectPaymentConfirmed() {
    await expect(this.page.getByText("Payment confirmed. Thank you!")).toBeVisible({ timeout: 30_000 });
  }

  async expectCurrentPlan(name: string) {
    await expect(this.page.getByTestId("current-plan")).toHaveText(name);
  }

  async expectBadge(label: string) {
    await expect(this.page.getByRole("banner").getByText(label, { exact: true })).toBeVisible();
  }

  async expectCreditBalance(balance: string) {
    await expect(this.page.getByTestId("credit-balance")).toHaveText(balance);
  }

  async expectPayment(product: string, status: "Paid" | "Failed" | "Refunded") {
    await expect(this.page.getByRole("table", { name: "Payments" }).getByRole("row").filter({ hasText: product }).filter({ hasText: status }).first()).toBeVisible();
  }

  get dunningBanner() {
    return this.page.getByRole("alert").filter({ hasText: "Payment failed – update your card" });
  }

  /** The banner appears once the failed renewal's webhooks are processed; reload until then. */
  async expectDunningBanner() {
    await expect(async () => {
      await this.page.reload();
      await expect(this.dunningBanner).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
  }

  async updateCardFromBanner() {
    await this.dunningBanner.getByRole("button", { name: "Update card" }).click();
  }

  async cancel(reason: "Too expensive" | "Missing a feature" | "Just testing" | "Other", details?: string) {
    await this.page.getByRole("button", { name: "Cancel subscription" }).click();
    const dialog = this.page.getByRole("alertdialog", { name: "Cancel your subscription?" });
    await dialog.getByRole("radio", { name: reason }).check();
    if (details) await dialog.getByLabel(/tell us/).fill(details);
    await dialog.getByRole("button", { name: "Cancel at period end" }).click();
    await expect(dialog).toBeHidden();
    await expect(this.page.getByText("Cancellation requested.")).toBeVisible();
  }
}
