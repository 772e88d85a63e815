import { createHmac } from "node:crypto";
import { expect, type Page } from "@playwright/test";

/**
 * The current TOTP code (RFC 6238: HMAC-SHA1, 30 s, 6 digits) for a secret as Better Auth keeps it:
 * its UTF-8 bytes are the key (authenticator apps get the same bytes as base32 in the otpauth URI).
 */
export function totpCode(secret: string, at: number = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac("sha1", Buffer.from(secret, "utf8")).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, "0");
}

/** The second sign-in step for accounts with two-factor on (/two-factor). */
export class TwoFactorPage {
  constructor(private readonly page: Page) {}

  private get codeField() {
    return this.page.getByLabel("Authentication code");
  }

  async expectShown() {
    await expect(this.page).toHaveURL(/\/two-factor$/);
    await expect(this.page.getByRole("heading", { name: "Two-factor authentication", level: 1 })).toBeVisible();
  }

  /** Types a code and submits; the caller checks where that leads. */
  async enter(code: string) {
    await this.codeField.fill(code);
    await this.page.getByRole("button", { name: "Verify", exact: true }).click();
  }

  /** Enters the current code for `secret` and waits to leave the two-factor page. */
  async verifyWithSecret(secret: string) {
    await this.enter(totpCode(secret));
    await expect(this.page).not.toHaveURL(/\/two-factor$/);
  }

  async expectError(text: string | RegExp) {
    await expect(this.page.getByRole("main").getByRole("alert")).toContainText(text);
  }
}
