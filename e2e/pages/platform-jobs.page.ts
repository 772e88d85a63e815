import { expect, type Locator, type Page } from "@playwright/test";

type JobStatusLabel = "Queued" | "Running" | "Retrying" | "Succeeded" | "Failed" | "Canceled";

/** /platform/jobs: counts per status, filters, the jobs table with Retry / Cancel, and a job's detail page. */
export class PlatformJobsPage {
  constructor(private readonly page: Page) {}

  private get table() {
    return this.page.getByRole("table", { name: "Jobs" });
  }

  private get filters() {
    return this.page.getByRole("search", { name: "Filter jobs" });
  }

  /** Follows the console's navigation link, as an admin would. */
  async openFromConsole() {
    await this.page.getByRole("navigation", { name: "Platform sections" }).getByRole("link", { name: "Jobs" }).click();
    await this.expectShown();
  }

  async expectShown() {
    await expect(this.page).toHaveURL(/\/platform\/jobs(\?.*)?$/);
    await expect(this.page.getByRole("heading", { name: "Jobs", level: 1 })).toBeVisible();
    await expect(this.page.getByRole("region", { name: "Jobs by status" })).toBeVisible();
  }

  async filter({ status, name, text }: { status?: JobStatusLabel; name?: string; text?: string }) {
    if (status) await this.filters.getByLabel("Status").selectOption({ label: status });
    if (name !== undefined) await this.filters.getByLabel("Name starts with").fill(name);
    if (text !== undefined) await this.filters.getByLabel("Name or error contains").fill(text);
    await this.filters.getByRole("button", { name: "Filter" }).click();
    await expect(this.page).toHaveURL(/\?/);
  }

  /** The row of the job whose last error contains `error` (job names repeat; errors tell them apart). */
  rowWithError(error: string): Locator {
    return this.table.getByRole("row").filter({ hasText: error });
  }

  /**
   * Clicks Retry in the row and waits for the server's answer (the job is queued). What the row shows
   * next depends on the job runner, which may already be running the job again.
   */
  async retry(row: Locator) {
    await row.getByRole("button", { name: "Retry" }).click();
    await expect(row.getByRole("status")).toHaveText("Job queued again; the runner will pick it up.");
  }

  /** "attempts/max" as the row or the detail page shows it. */
  async attemptsOf(row: Locator): Promise<{ attempts: number; max: number }> {
    const text = (await row.getByRole("cell").nth(1).textContent()) ?? "";
    const match = /^(\d+)\/(\d+)$/.exec(text.trim());
    if (!match) throw new Error(`No attempts/max in "${text}"`);
    return { attempts: Number(match[1]), max: Number(match[2]) };
  }

  /** The job's detail page link, read while the row is on screen (a filtered list may drop it later). */
  async detailsLink(row: Locator): Promise<string> {
    const href = await row.getByRole("rowheader").getByRole("link").getAttribute("href");
    if (!href) throw new Error("The job row has no detail link");
    return href;
  }

  async openDetails(link: string) {
    await this.page.goto(link);
    await expect(this.page).toHaveURL(/\/platform\/jobs\/[0-9a-f-]{36}$/);
  }

  async expectDetail({ name, error, payload, attempts }: { name: string; error?: string; payload: string; attempts: RegExp }) {
    const article = this.page.getByRole("article");
    await expect(article.getByRole("heading", { name, level: 1 })).toBeVisible();
    await expect(article.getByRole("definition").nth(1)).toHaveText(attempts);
    if (error) await expect(article.getByRole("region", { name: "Last error" })).toContainText(error);
    await expect(article.getByRole("region", { name: "Payload" })).toContainText(payload);
  }

  async expectHistoryEntry(text: string) {
    await expect(this.page.getByRole("list", { name: "Admin actions" })).toContainText(text);
  }

  async expectCount(status: JobStatusLabel, count: number) {
    const tile = this.page.getByRole("region", { name: "Jobs by status" }).getByRole("link").filter({ hasText: status });
    await expect(tile.getByTestId(/^job-count-/)).toHaveText(String(count));
  }

  /** The status badge of a row (or of the detail page's job). */
  status(scope: Locator): Locator {
    return scope.locator("[data-status]").first();
  }
}
