import { expect, type Page } from "@playwright/test";

export class SignInPage {
  constructor(private readonly page: Page) {}

  async open() {
    await this.page.goto("/sign-in");
    await expect(this.page.getByRole("heading", { name: "Welcome back" })).toBeVisible();
  }

  async attempt(email: string, password: string) {
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Sign in", exact: true }).click();
  }

  /** `landsOn`: where the sign-in leads (a ?callbackURL= page); /projects by default. */
  async signIn(email: string, password: string, landsOn: RegExp = /\/projects$/) {
    await this.attempt(email, password);
    await expect(this.page).toHaveURL(landsOn);
  }

  /** The dev-only list of seeded accounts fills the form in one click. */
  async signInWithDemoAccount(email: string) {
    await this.page.getByRole("button", { name: `Use: ${email}` }).click();
    await this.page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(this.page).toHaveURL(/\/projects$/);
  }

  async requestMagicLink(email: string) {
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await expect(this.page.getByRole("main").getByRole("status")).toContainText("sign-in link is on its way");
  }

  async expectError(text: string | RegExp) {
    await expect(this.page.getByRole("main").getByRole("alert")).toContainText(text);
  }
}
