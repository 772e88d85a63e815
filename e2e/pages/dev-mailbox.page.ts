import { expect, type Page } from "@playwright/test";
import { deliveredMail } from "../support/database";

/**
 * The dev mailbox of the playground build the e2e server runs (PLAYGROUND=1): a visitor sees only their
 * own mail there (src/server/domain/dev-mailbox/access.ts), and anonymous visitors nothing.
 */
export class DevMailboxPage {
  constructor(private readonly page: Page) {}

  private readonly heading = () => this.page.getByRole("heading", { name: "Your mailbox" });

  /** From the sign-up's "Check your inbox" page: the link to this browser's own new account's mail. */
  async openYours() {
    await this.page.getByRole("link", { name: "Open your mailbox" }).click();
    await expect(this.heading()).toBeVisible();
  }

  /** As a signed-in visitor (or one who just signed up in this browser). */
  async open(query = "") {
    await this.page.goto(`/dev/mailbox${query}`);
    await expect(this.heading()).toBeVisible();
  }

  /** Opens the newest mail with this subject (waiting for the job runner to deliver it) and follows its first link. */
  async followLinkIn(subject: string) {
    await this.openMessage(subject);
    const links = this.page.getByRole("region", { name: "Links in this email" }).getByRole("link");
    await links.first().click();
  }

  /** Opens the newest mail with this subject (waiting for delivery); returns its page's path. */
  async openMessage(subject: string): Promise<string> {
    await expect(async () => {
      await this.page.reload();
      await expect(this.page.getByRole("link", { name: subject }).first()).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await this.page.getByRole("link", { name: subject }).first().click();
    await expect(this.page.getByRole("heading", { name: subject })).toBeVisible();
    return new URL(this.page.url()).pathname;
  }

  /** What an anonymous visitor gets: a sign-in prompt leading back here, and no list. */
  async expectSignInPrompt() {
    await expect(this.heading()).toBeVisible();
    await expect(this.page.getByText("Sign in to see yours.")).toBeVisible();
    await expect(this.page.getByRole("table")).toHaveCount(0);
    await expect(this.page.getByRole("main").getByRole("link", { name: "Sign in" })).toHaveAttribute("href", /\/sign-in\?callbackURL=%2Fdev%2Fmailbox$/);
  }

  /**
   * Mail a real user reads in their own inbox while not signed in here (an invitation to a new address,
   * a magic link, a password reset): on the playground build the mailbox page rightly shows it to no
   * anonymous visitor, so the test reads the delivered message from the e2e database, as the recipient's
   * inbox would receive it, and follows its first link. `since`: only mail delivered after it.
   */
  async followLinkInInboxOf(email: string, subject: string, since?: Date) {
    let href: string | undefined;
    await expect(async () => {
      const mail = await deliveredMail(email, subject, since);
      href = mail?.html.match(/href="(https?:\/\/[^"]+)"/)?.[1]?.replaceAll("&amp;", "&");
      expect(href, `a delivered "${subject}" to ${email} with a link`).toBeTruthy();
    }).toPass({ timeout: 20_000 });
    await this.page.goto(href!);
  }
}
