import { createTranslator } from "next-intl";
import { messages, type Messages } from "./messages";
import type { Locale } from "./routing";

/** A translator for work outside a page render (emails, names of things created by auth callbacks). */
export function translatorFor<N extends keyof Messages>(locale: Locale, namespace: N) {
  return createTranslator({ locale, messages: messages[locale], namespace });
}
