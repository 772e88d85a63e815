import { expect, type Page } from "@playwright/test";

export class DevMailboxPage {
  constructor(private readonly page: Page) {}

  async openFor(email: string) {
    await this.page.goto(`/dev/mailbox?to=${encodeURIComponent(email)}`);
    await expect(this.page.getByRole("heading", { name: "Dev mailbox" })).toBeVisible();
  }

  /** Opens the newest mail with this subject (waiting for the job runner to deliver it) and follows its first link. */
  async followLinkIn(subject: string) {
    await expect(async () => {
      await this.page.reload();
      await expect(this.page.getByRole("link", { name: subject }).first()).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await this.page.getByRole("link", { name: subject }).first().click();
    await expect(this.page.getByRole("heading", { name: subject })).toBeVisible();
    const links = this.page.getByRole("region", { name: "Links in this email" }).getByRole("link");
    await links.first().click();
  }
}
