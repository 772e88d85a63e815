import { expect, type Page } from "@playwright/test";

export class ProjectsPage {
  constructor(private readonly page: Page) {}

  private get list() {
    return this.page.getByRole("list", { name: "Projects" });
  }

  private row(name: string) {
    return this.list.getByRole("listitem", { name, exact: true });
  }

  async expectLoaded(tenantName: string | RegExp) {
    await expect(this.page.getByRole("heading", { name: "Projects", level: 1 })).toBeVisible();
    await expect(this.page.getByText(typeof tenantName === "string" ? `Everything in ${tenantName}.` : tenantName)).toBeVisible();
  }

  async expectBillingBadge(label: string) {
    await expect(this.page.getByRole("banner").getByText(label, { exact: true })).toBeVisible();
  }

  async expectEmpty() {
    await expect(this.page.getByRole("heading", { name: "No projects yet" })).toBeVisible();
  }

  async create(name: string) {
    await this.page.getByLabel("New project name").fill(name);
    await this.page.getByRole("button", { name: "Create project" }).click();
    await expect(this.row(name)).toBeVisible();
  }

  async rename(from: string, to: string) {
    await this.row(from).getByRole("button", { name: "Rename" }).click();
    await this.page.getByLabel("Project name", { exact: true }).fill(to);
    await this.page.getByRole("button", { name: "Save" }).click();
    await expect(this.row(to)).toBeVisible();
    await expect(this.row(from)).toHaveCount(0);
  }

  async delete(name: string) {
    await this.row(name).getByRole("button", { name: "Delete" }).click();
    await this.page.getByRole("alertdialog").getByRole("button", { name: "Delete project" }).click();
    await expect(this.row(name)).toHaveCount(0);
  }

  /** Tries to create a project and expects the refusal at the plan's project limit, with its message. */
  async createRefusedAtLimit(name: string, message: string) {
    await this.page.getByLabel("New project name").fill(name);
    await this.page.getByRole("button", { name: "Create project" }).click();
    await expect(this.limitBlock).toContainText(message);
    await expect(this.row(name)).toHaveCount(0);
  }

  /** The refusal of an action at a plan limit, with the way on (upgrade, credits, whom to ask). */
  get limitBlock() {
    return this.page.getByRole("main").getByRole("alert");
  }

  /** The example metered action on a project; ends with its success notice. */
  async runAnalysis(project: string) {
    await this.row(project).getByRole("button", { name: "Run analysis" }).click();
    await expect(this.row(project).getByRole("status")).toHaveText("Analysis done: 1 API call, 2 AI credits");
  }

  async expectProjects(names: string[]) {
    for (const name of names) await expect(this.row(name)).toBeVisible();
  }

  async signOut() {
    await this.page.getByRole("button", { name: "Account menu" }).click();
    await this.page.getByRole("menuitem", { name: "Sign out" }).click();
    await expect(this.page).toHaveURL(/\/sign-in$/);
  }
}
