import { defaultLocale, isLocale, locales, type Locale } from "./routing";

/** The locale for work done outside a page (emails sent from an auth callback): cookie, then Accept-Language. */
export function localeFromHeaders(headers: Headers | undefined): Locale {
  if (!headers) return defaultLocale;
  const cookie = headers.get("cookie")?.match(/(?:^|;\s*)NEXT_LOCALE=([^;]+)/)?.[1];
  if (isLocale(cookie)) return cookie;
  const accepted = (headers.get("accept-language") ?? "")
    .split(",")
    .map((part) => part.split(";")[0]?.trim().slice(0, 2).toLowerCase());
  return accepted.find((l): l is Locale => isLocale(l) && locales.includes(l)) ?? defaultLocale;
}
