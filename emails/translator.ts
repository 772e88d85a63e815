import type { Locale } from "@/i18n/routing";
import { translatorFor } from "@/i18n/translator";

/** Emails are rendered outside a request, so they build their own translator for the recipient's locale. */
export function emailTranslator(locale: Locale) {
  return translatorFor(locale, "emails");
}
