import { expect, type Page } from "@playwright/test";

/** /usage: the current period per metric, the threshold notices and the breakdowns. */
export class UsagePage {
  constructor(private readonly page: Page) {}

  /** Follows the app shell's navigation link, as a user would. */
  async openFromNav() {
    await this.page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Usage" }).click();
    await expect(this.page.getByRole("heading", { name: "Usage", level: 1 })).toBeVisible();
  }

  async expectNoNavLink() {
    await expect(this.page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Usage" })).toHaveCount(0);
  }

  /** One metric's row: "used / limit", the percentage and the progress bar's values. */
  async expectMeter(metric: string, expected: { used: number; limit: number; percent: number }) {
    const meter = this.page.getByRole("list", { name: "This period" }).getByRole("listitem", { name: metric, exact: true });
    await expect(meter).toContainText(`${expected.used} / ${expected.limit}`);
    await expect(meter).toContainText(`${expected.percent}%`);
    const bar = meter.getByRole("progressbar", { name: metric });
    await expect(bar).toHaveAttribute("aria-valuenow", String(Math.min(expected.used, expected.limit)));
    await expect(bar).toHaveAttribute("aria-valuemax", String(expected.limit));
  }

  get notices() {
    return this.page.getByRole("region", { name: "Usage notices" });
  }

  private get members() {
    return this.page.getByRole("table", { name: "By member" });
  }

  private memberRow(name: string) {
    return this.members.getByRole("row").filter({ has: this.page.getByRole("rowheader", { name: new RegExp(`^${name}\\b`) }) });
  }

  /** A member's (or guest's) units of a metric this period; 0 while they have none. */
  async memberUnits(name: string, metric: string): Promise<number> {
    if ((await this.members.count()) === 0 || (await this.memberRow(name).count()) === 0) return 0;
    return Number((await (await this.memberCell(name, metric)).textContent())?.replace(/\D/g, ""));
  }

  private async memberCell(name: string, metric: string) {
    const columns = await this.members.getByRole("columnheader").allTextContents();
    // The row header is the first cell of the row; the metric cells follow in column order.
    return this.memberRow(name).getByRole("cell").nth(columns.indexOf(metric) - 1);
  }

  async expectMember(name: string, expected: { guest: boolean; units: Record<string, number> }) {
    const header = this.memberRow(name).getByRole("rowheader");
    if (expected.guest) await expect(header).toContainText("Guest");
    else await expect(header).not.toContainText("Guest");
    for (const [metric, units] of Object.entries(expected.units)) await expect(await this.memberCell(name, metric)).toHaveText(units.toLocaleString("en-US"));
  }
}
