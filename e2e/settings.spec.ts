import { expect, test } from "./fixtures";

test.describe("Workspaces, switching and custom roles", () => {
  test("a member of two workspaces switches between them and sees each one's projects", async ({ page, signInPage, projectsPage, persona }) => {
    const multi = persona("multiTenant");
    await signInPage.open();
    await signInPage.signIn(multi.email, multi.password);
    await projectsPage.expectLoaded(persona("paid").tenantName!);
    await page.getByRole("button", { name: "Switch workspace" }).click();
    await page.getByRole("menuitemradio", { name: persona("trial").tenantName }).click();
    await projectsPage.expectLoaded(persona("trial").tenantName!);
    await projectsPage.expectProjects(["Website redesign"]);
  });

  test("an owner creates a workspace from the switcher and lands in it, empty", async ({ page, signInPage, projectsPage, persona }) => {
    const owner = persona("canceled");
    await signInPage.open();
    await signInPage.signIn(owner.email, owner.password);
    await page.getByRole("button", { name: "Switch workspace" }).click();
    await page.getByRole("menuitem", { name: "New workspace" }).click();
    await page.getByLabel("Workspace name").fill("Side Project Labs");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await projectsPage.expectLoaded("Side Project Labs");
    await projectsPage.expectEmpty();
  });

  test("an owner creates and edits a custom role", async ({ page, signInPage, persona }) => {
    const owner = persona("pastDue");
    await signInPage.open();
    await signInPage.signIn(owner.email, owner.password);
    await page.goto("/settings/roles");
    await page.getByLabel("Role name").fill("Reviewer");
    await page.getByLabel("team:read").click();
    await page.getByRole("button", { name: "Create role" }).click();
    const row = page.getByRole("list", { name: "Roles in this workspace" }).getByRole("listitem", { name: "Reviewer" });
    await expect(row).toContainText("team:read");
    await row.getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("team:read").click();
    await page.getByLabel("member:read").click();
    await page.getByRole("button", { name: "Save role" }).click();
    await expect(row).toContainText("member:read");
    await expect(row).not.toContainText("team:read");
  });
});
