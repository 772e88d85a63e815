import { expect, type Page } from "@playwright/test";

/** The local payment simulator's hosted checkout and customer portal (Dodo Payments' stand-ins). */
export class PaymentSimulatorPage {
  constructor(private readonly page: Page) {}

  async expectCheckout(product: RegExp | string) {
    await expect(this.page).toHaveURL(/\/simulator\/checkout\//);
    await expect(this.page.getByText("Test mode").first()).toBeVisible();
    await expect(this.page.getByText(product).first()).toBeVisible();
  }

  async pay(how: "Pay" | "Decline" | "Pay with 3-D Secure" = "Pay") {
    await this.page.getByRole("button", { name: how, exact: true }).click();
  }

  async expectPortal() {
    await expect(this.page).toHaveURL(/\/simulator\/portal\//);
    await expect(this.page.getByRole("heading", { name: "Billing portal" })).toBeVisible();
  }

  /** A portal action on the (only) subscription, e.g. "Fail next renewal" or "Update card and pay". */
  async subscriptionAction(action: string) {
    await this.page.getByRole("button", { name: action }).first().click();
  }

  async expectSubscriptionStatus(status: "Active" | "Past due") {
    await expect(this.page.getByRole("table").first().getByText(status, { exact: true })).toBeVisible();
  }

  async backToApp() {
    await this.page.getByRole("link", { name: "Back to the app" }).click();
  }
}
