import de from "@messages/de.json";
import en from "@messages/en.json";
import type { Locale } from "./routing";

// Every locale must have every key of English: the type makes a missing key a compile error in
// the places that read it, and src/i18n/messages.test.ts fails on any difference in either direction.
export type Messages = typeof en;
export const messages: Record<Locale, Messages> = { en, de };
