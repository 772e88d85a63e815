import { expect, type Page } from "@playwright/test";

/** /platform: the read-only console for platform staff, or the refusal everyone else gets. */
export class PlatformPage {
  constructor(private readonly page: Page) {}

  private get tenants() {
    return this.page.getByRole("table", { name: "Tenants" });
  }

  private get users() {
    return this.page.getByRole("table", { name: "Users" });
  }

  async open() {
    await this.page.goto("/platform");
  }

  async expectConsole() {
    await expect(this.page).toHaveURL(/\/platform$/);
    await expect(this.page.getByRole("heading", { name: "Platform", level: 1 })).toBeVisible();
    await expect(this.tenants).toBeVisible();
    await expect(this.users).toBeVisible();
  }

  async expectTenant(name: string) {
    await expect(this.tenants.getByRole("rowheader", { name, exact: true })).toBeVisible();
  }

  async expectUser(email: string) {
    await expect(this.users.getByRole("cell", { name: email, exact: true })).toBeVisible();
  }

  async expectRefused() {
    await expect(this.page.getByRole("heading", { name: "Platform staff only" })).toBeVisible();
    await expect(this.tenants).toHaveCount(0);
    await expect(this.users).toHaveCount(0);
  }
}
