import { randomUUID } from "node:crypto";
import pg from "pg";
import { DEMO_TOTP_SECRET } from "../src/server/seed/personas";
import { expect, test } from "./fixtures";
import { PlatformJobsPage } from "./pages/platform-jobs.page";
import { e2eDatabaseUrl } from "./support/database";

/**
 * A delivery job that used up its attempts, made for this test alone (so a rerun or a CI retry finds
 * its own): its outbox row does not exist, so after the admin's retry the runner fails it again.
 */
async function insertFailedJob(marker: string) {
  const client = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO jobs (id, name, payload, status, attempts, max_attempts, run_at, last_error, finished_at, created_at, updated_at)
       VALUES ($1, 'notifications.deliver', $2, 'failed', 5, 5, now() - interval '1 hour', $3, now(), now() - interval '2 hours', now())`,
      [randomUUID(), JSON.stringify({ outboxId: randomUUID() }), `Resend API error 503 (service_unavailable) ${marker}`],
    );
  } finally {
    await client.end();
  }
}

test.describe("Platform jobs page", () => {
  test("an admin retries a failed job from the jobs page", async ({ page, signInPage, twoFactorPage, platformPage, persona }) => {
    const marker = `e2e-${randomUUID().slice(0, 8)}`;
    await insertFailedJob(marker);
    const jobs = new PlatformJobsPage(page);
    const admin = persona("platformAdmin");
    await signInPage.open();
    await signInPage.attempt(admin.email, admin.password);
    await twoFactorPage.verifyWithSecret(DEMO_TOTP_SECRET);
    await platformPage.expectConsole();

    await jobs.openFromConsole();
    // Not by status: the retried job must stay in the list whatever the runner does with it next.
    await jobs.filter({ name: "notifications.", text: marker });
    const row = jobs.rowWithError(marker);
    await expect(row).toHaveCount(1);
    await expect(row.getByRole("rowheader")).toHaveText("notifications.deliver");
    await expect(jobs.status(row)).toHaveText("Failed");
    const before = await jobs.attemptsOf(row);
    expect(before.attempts).toBe(before.max); // it used up its attempts
    // Only what the status allows: a failed job can be retried, not canceled.
    await expect(row.getByRole("button", { name: "Cancel" })).toHaveCount(0);

    // The runner may fail the retried job again at once with a new last error, and the list filtered by
    // the old error then drops the row: keep its link.
    const details = await jobs.detailsLink(row);
    await jobs.retry(row);

    // The state changed (max attempts raised by one so the runner runs it again, queued or run since),
    // and the console shows who retried it.
    await jobs.openDetails(details);
    await jobs.expectDetail({
      name: "notifications.deliver",
      payload: '"outboxId"',
      attempts: new RegExp(`^\\d+/${before.max + 1}$`),
    });
    await jobs.expectHistoryEntry(`Retried by ${admin.name}`);
  });
});
