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

  /** Types into the given fields only. */
  async fill(input: { name?: string; email?: string; password?: string }) {
    if (input.name !== undefined) await this.page.getByLabel("Name").fill(input.name);
    if (input.email !== undefined) await this.page.getByLabel("Email").fill(input.email);
    if (input.password !== undefined) await this.page.getByLabel("Password").fill(input.password);
  }

  async submit() {
    await this.page.getByRole("button", { name: "Create account" }).click();
  }

  /** The field's own message: shown under it and announced as its description. */
  async expectFieldError(label: string, message: string) {
    await expect(this.page.getByLabel(label)).toHaveAttribute("aria-invalid", "true");
    await expect(this.page.getByLabel(label)).toHaveAccessibleDescription(new RegExp(escape(message)));
  }

  async expectNoFieldError(label: string) {
    await expect(this.page.getByLabel(label)).not.toHaveAttribute("aria-invalid", "true");
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

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
