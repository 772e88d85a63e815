import { expect, type Page } from "@playwright/test";

/** The visible words of the roles page in each language the test reads it in. */
const TEXT = {
  en: { path: "/settings/roles", title: "Roles", list: "Roles in this workspace", delete: "Delete", toasts: /^Notifications/ },
  de: { path: "/de/settings/roles", title: "Rollen", list: "Rollen in diesem Arbeitsbereich", delete: "Löschen", toasts: /^Benachrichtigungen/ },
} as const;

/** /settings/roles: the workspace's roles, with Delete on each custom role. */
export class RolesSettingsPage {
  private readonly text: (typeof TEXT)[keyof typeof TEXT];

  constructor(
    private readonly page: Page,
    locale: keyof typeof TEXT = "en",
  ) {
    this.text = TEXT[locale];
  }

  private row(name: string) {
    return this.page.getByRole("list", { name: this.text.list }).getByRole("listitem", { name, exact: true });
  }

  async open() {
    await this.page.goto(this.text.path);
    await expect(this.page.getByRole("heading", { name: this.text.title, level: 1 })).toBeVisible();
  }

  /** Deletes a custom role and ends when it is gone from the list, with the toast saying so. */
  async deleteRole(name: string, toast: string) {
    await this.row(name).getByRole("button", { name: this.text.delete }).click();
    await expect(this.page.getByRole("region", { name: this.text.toasts }).getByText(toast)).toBeVisible();
    await expect(this.row(name)).toHaveCount(0);
  }

  /** Tries to delete a custom role the server refuses to delete; ends on the refusal, the role still listed. */
  async deleteRoleRefused(name: string, refusal: string) {
    await this.row(name).getByRole("button", { name: this.text.delete }).click();
    await expect(this.page.getByRole("main").getByRole("alert")).toHaveText(refusal);
    await expect(this.row(name)).toBeVisible();
  }
}
