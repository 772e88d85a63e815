import { expect, type Page } from "@playwright/test";

export class MembersSettingsPage {
  constructor(private readonly page: Page) {}

  async open() {
    await this.page.goto("/settings/members");
    await expect(this.page.getByRole("heading", { name: "Members", level: 1 })).toBeVisible();
  }

  /** Sends an invitation and ends when it is listed as pending. */
  async invite(email: string, access: "Member" | "Guest", role?: string) {
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Access").selectOption({ label: access });
    if (role) await this.page.getByLabel("Role", { exact: true }).selectOption({ label: role });
    await this.page.getByRole("button", { name: "Send invitation" }).click();
    await expect(this.page.getByRole("region", { name: /^Notifications/ }).getByText(`Invitation sent to ${email}.`)).toBeVisible();
    await expect(this.page.getByRole("list", { name: "Invitations" }).getByRole("listitem", { name: email })).toContainText("Pending");
  }

  /** Sends an invitation the server refuses because of the address: the reason shows next to the Email field. */
  async inviteRefused(email: string, reason: string) {
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByRole("button", { name: "Send invitation" }).click();
    await expect(this.page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await expect(this.page.getByLabel("Email")).toHaveAccessibleDescription(reason);
  }

  async expectMember(email: string, text: string | RegExp) {
    await expect(this.page.getByRole("list", { name: "People in this workspace" }).getByRole("listitem", { name: email })).toContainText(text);
  }

  async expectRefused() {
    // The server's own sentence for a role without the permission (errors.auth.roleForbids), not the generic one.
    await expect(this.page.getByRole("main").getByRole("alert")).toContainText("Your role in this workspace does not allow this.");
  }
}
