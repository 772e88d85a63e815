import type { Locale } from "@/i18n/routing";

// Notification data is stored as JSON in the outbox, so templates get ISO dates and minor-unit amounts
// and format them in the recipient's locale here.

export function formatDate(locale: Locale, iso: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(new Date(iso));
}

export function formatMoney(locale: Locale, amountMinor: number, currency: string): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amountMinor / 100);
}

export function formatNumber(locale: Locale, value: number): string {
  return new Intl.NumberFormat(locale).format(value);
}
