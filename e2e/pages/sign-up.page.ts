import { expect, type Page } from "@playwright/test";

export class SignUpPage {
  constructor(private readonly page: Page) {}

  async open() {
    await this.page.goto("/sign-up");
    await expect(this.page.getByRole("heading", { name: "Create your account" })).toBeVisible();
  }

  /** Fills the form, accepts the terms and submits; ends on the "check your inbox" page. */
  async signUp(input: { name: string; email: string; password: string }) {
    await this.page.getByLabel("Name").fill(input.name);
    await this.page.getByLabel("Email").fill(input.email);
    await this.page.getByLabel("Password").fill(input.password);
    await this.page.getByLabel("I accept the terms").click();
    await this.page.getByRole("button", { name: "Create account" }).click();
    await expect(this.page.getByRole("heading", { name: "Check your inbox" })).toBeVisible();
    await expect(this.page.getByText(input.email)).toBeVisible();
  }

  async expectError(text: string | RegExp) {
    await expect(this.page.getByRole("main").getByRole("alert")).toContainText(text);
  }

  async submitExpectingError(input: { name: string; email: string; password: string }, error: string | RegExp) {
    await this.page.getByLabel("Name").fill(input.name);
    await this.page.getByLabel("Email").fill(input.email);
    await this.page.getByLabel("Password").fill(input.password);
    await this.page.getByLabel("I accept the terms").click();
    await this.page.getByRole("button", { name: "Create account" }).click();
    await this.expectError(error);
  }
}
