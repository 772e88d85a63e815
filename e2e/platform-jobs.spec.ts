import { DEMO_TOTP_SECRET } from "../src/server/domain/seed/personas";
import { expect, test } from "./fixtures";
import { PlatformJobsPage } from "./pages/platform-jobs.page";

// Issue 4, job visibility: the seeded platform admin finds the seeded failed notification job and
// sends it back to the queue. The seed's failed job ends in this provider error (personas.ts demoJobs).
const FAILED_ERROR = "Resend API error 503";

test.describe("Platform jobs page", () => {
  test("an admin retries a failed job from the jobs page", async ({ page, signInPage, twoFactorPage, platformPage, persona }) => {
    const jobs = new PlatformJobsPage(page);
    const admin = persona("platformAdmin");
    await signInPage.open();
    await signInPage.attempt(admin.email, admin.password);
    await twoFactorPage.verifyWithSecret(DEMO_TOTP_SECRET);
    await platformPage.expectConsole();

    await jobs.openFromConsole();
    await jobs.expectCount("Failed", 1);
    // Not by status: the retried job must stay in the list whatever the runner does with it next.
    await jobs.filter({ name: "notifications.", text: "503" });
    const row = jobs.rowWithError(FAILED_ERROR);
    await expect(row).toHaveCount(1);
    await expect(row.getByRole("rowheader")).toHaveText("notifications.deliver");
    await expect(jobs.status(row)).toHaveText("Failed");
    const before = await jobs.attemptsOf(row);
    expect(before.attempts).toBe(before.max); // it used up its attempts
    // Only what the status allows: a failed job can be retried, not canceled.
    await expect(row.getByRole("button", { name: "Cancel" })).toHaveCount(0);

    await jobs.retry(row);

    // The state changed (max attempts raised by one so the runner runs it again, queued or run since),
    // and the console shows who retried it.
    await jobs.openDetails(row);
    await jobs.expectDetail({
      name: "notifications.deliver",
      payload: '"template": "payment_failed"',
      attempts: new RegExp(`^\\d+/${before.max + 1}$`),
    });
    await jobs.expectHistoryEntry(`Retried by ${admin.name}`);
  });
});
