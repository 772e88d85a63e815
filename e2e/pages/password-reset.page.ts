import { expect, type Page } from "@playwright/test";

export class PasswordResetPage {
  constructor(private readonly page: Page) {}

  async request(email: string) {
    await this.page.goto("/forgot-password");
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByRole("button", { name: "Send reset link" }).click();
    await expect(this.page.getByRole("main").getByRole("status")).toContainText(`a reset link is on its way`);
  }

  /** On the page the emailed link opens: sets the new password and ends on the confirmation. */
  async chooseNewPassword(password: string) {
    await expect(this.page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
    await this.page.getByLabel("New password").fill(password);
    await this.page.getByRole("button", { name: "Set new password" }).click();
    await expect(this.page.getByRole("main").getByRole("status")).toContainText("Your password was changed");
  }
}
